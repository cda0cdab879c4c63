import { httpStatusOf } from '@perfplane/control';
import { type ErrorCode, isPerfplaneError, PerfplaneError } from '@perfplane/core';

/** A PerfplaneError with an HTTP status other than its code's default, such as 413. */
export class HttpError extends PerfplaneError {
  readonly status: number;

  constructor(status: number, code: ErrorCode, message: string) {
    super(code, message);
    this.status = status;
  }
}

export interface ErrorBody {
  error: { code: string; message: string };
}

/** Maps any thrown value to a status and the API's error body; internals stay hidden. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof HttpError) {
    return { status: error.status, body: { error: { code: error.code, message: error.message } } };
  }
  if (isPerfplaneError(error)) {
    const status = httpStatusOf(error.code);
    const message = status < 500 ? error.message : 'internal error; see the function logs';
    return { status, body: { error: { code: error.code, message } } };
  }
  return {
    status: 500,
    body: { error: { code: 'Internal', message: 'internal error; see the function logs' } },
  };
}

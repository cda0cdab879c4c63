import { type ErrorCode, isPerfplaneError, PerfplaneError } from '@perfplane/core';

/** HTTP status of each error code; codes not listed are the server's fault (500). */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  InvalidArgument: 400,
  UnknownPhase: 404,
  UnknownEnvironment: 404,
  NotFound: 404,
  Unauthorized: 401,
  LockHeld: 409,
  StaleFence: 409,
  Conflict: 409,
  NothingToResume: 409,
  DependencyNotMet: 409,
  ConfirmationRequired: 428,
  ControlPlaneUnavailable: 503,
};

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
    const status = STATUS_BY_CODE[error.code] ?? 500;
    const message = status < 500 ? error.message : 'internal error; see the function logs';
    return { status, body: { error: { code: error.code, message } } };
  }
  return {
    status: 500,
    body: { error: { code: 'Internal', message: 'internal error; see the function logs' } },
  };
}

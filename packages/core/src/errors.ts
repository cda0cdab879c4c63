/**
 * Stable error codes. Each is also the Step Functions error name a Catch
 * matches and selects the CLI's exit code.
 */
export const ERROR_CODES = {
  InvalidArgument: 2,
  UnknownPhase: 3,
  UnknownEnvironment: 4,
  InvalidEnvironment: 5,
  LockHeld: 6,
  StaleFence: 7,
  NothingToResume: 8,
  ConfirmationRequired: 9,
  DependencyNotMet: 10,
  InvalidBuildspec: 11,
  PhaseFailed: 12,
  RequirementsNotMet: 13,
  RunStopped: 14,
  NotFound: 15,
  Conflict: 16,
  ControlPlaneUnavailable: 17,
  Unauthorized: 18,
  Internal: 70,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Base error of perfplane: a stable code, a message a person reads, and context. */
export class PerfplaneError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = code;
    this.code = code;
    this.details = options.details ?? {};
  }

  /** Process exit code the CLI uses for this error. */
  get exitCode(): number {
    return ERROR_CODES[this.code];
  }

  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isPerfplaneError(error: unknown): error is PerfplaneError {
  return error instanceof PerfplaneError;
}

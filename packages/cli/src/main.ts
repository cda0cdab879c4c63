import { ERROR_CODES, isPerfplaneError } from '@perfplane/core';
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';

/** Prints an error as one line and returns the exit code of its code. */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its one-line message; help and version exit 0.
    return error.exitCode === 0 ? 0 : ERROR_CODES.InvalidArgument;
  }
  if (isPerfplaneError(error)) {
    process.stderr.write(`error: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: internal error: ${message}\n`);
  return ERROR_CODES.Internal;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}

/** Names of the service's log events; log queries rely on the list being closed. */
export type LogEvent =
  | 'service-started'
  | 'service-stopping'
  | 'service-stopped'
  | 'run-interrupted'
  | 'leftover-build-killed'
  | 'request-failed'
  | 'execution-ended'
  | 'execution-error'
  | 'unauthorized-request';

export type Logger = (
  level: 'info' | 'warn' | 'error',
  event: LogEvent,
  fields?: Record<string, unknown>,
) => void;

/** Writes one JSON line per event to standard output, which the launcher sends to service.log. */
export const jsonLogger: Logger = (level, event, fields = {}) => {
  const line = {
    time: new Date().toISOString(),
    level,
    event,
    service: 'perfplane-embedded',
    ...fields,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

export const silentLogger: Logger = () => {};

export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    return { error: error.message, errorName: error.name };
  }
  return { error: String(error) };
}

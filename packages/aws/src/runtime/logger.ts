import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Closed list of event names the Lambdas log, so saved log queries can rely
 * on them. Each log line carries one as `event`.
 */
export const LOG_EVENTS = [
  'request.rejected',
  'request.failed',
  'request.completed',
  'slack.rejected',
  'slack.accepted',
  'slack.retry-ignored',
  'slack.answered',
  'stop.begin',
  'stop.execution-stopped',
  'stop.build-stopped',
  'stop.testruns-deletion-started',
  'stop.done',
  'cost-saving.rejected',
  'cost-saving.scaled',
  'cost-saving.database',
  'cost-saving.done',
  'validate.check',
  'validate.done',
  'bundle.source-capped',
  'bundle.done',
  'lock.released',
  'lock.kept',
  'steps.done',
] as const;
export type LogEvent = (typeof LOG_EVENTS)[number];

/** Keys appended to every line of one invocation. */
export interface RunKeys {
  runId?: string;
  environment?: string;
  phase?: string;
}

export function createLogger(serviceName = 'perfplane'): Logger {
  return new Logger({ serviceName });
}

/** Appends the run id, environment and phase that are known, leaving the others out. */
export function appendRunKeys(logger: Logger, keys: RunKeys): void {
  const defined = Object.fromEntries(
    Object.entries(keys).filter(([, value]) => typeof value === 'string' && value !== ''),
  );
  logger.appendKeys(defined);
}

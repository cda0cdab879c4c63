import type { Logger } from '@aws-lambda-powertools/logger';
import type { PhaseId } from '@perfplane/core';
import { emergencyStopBody } from '../http/schemas.js';
import { appendRunKeys } from '../runtime/logger.js';
import { operationHandler } from './operation.js';

export interface StopResult {
  stopped: boolean;
  runId?: string;
  builds: string[];
  message: string;
}

/** Phases whose builds start k6 TestRuns that outlive a stopped build. */
const LOAD_PHASES: readonly PhaseId[] = ['06-first-test', '07-performance-tests'];

export interface EmergencyStopDependencies {
  logger: Logger;
  environments: readonly string[];
  /** The control plane's emergency stop: records stopping, stops execution and builds, frees the lock, records stopped. */
  stop: (environment: string) => Promise<StopResult>;
  phasesOf: (runId: string) => Promise<PhaseId[]>;
  /** Starts the job that deletes the run's k6 TestRuns; returns its build id. */
  deleteTestRuns: (environment: string, runId: string) => Promise<string | undefined>;
}

/**
 * Emergency stop. After the control plane stopped the run, a run that
 * included a load phase also gets its k6 TestRuns deleted by a CodeBuild job,
 * because stopping the build that created them leaves them running. A
 * second call finds nothing running and starts nothing.
 */
export function createEmergencyStopHandler(deps: EmergencyStopDependencies) {
  const { logger } = deps;
  return operationHandler({
    name: 'emergency stop',
    logger,
    body: emergencyStopBody,
    environments: deps.environments,
    run: async (environment) => {
      logger.info('emergency stop requested', { event: 'stop.begin' });
      const result = await deps.stop(environment);
      let cleanupBuild: string | undefined;
      if (result.stopped && result.runId) {
        appendRunKeys(logger, { runId: result.runId });
        const phases = await deps.phasesOf(result.runId);
        if (phases.some((phase) => LOAD_PHASES.includes(phase))) {
          cleanupBuild = await deps.deleteTestRuns(environment, result.runId);
          logger.info('k6 TestRun deletion started', {
            event: 'stop.testruns-deletion-started',
            buildId: cleanupBuild,
          });
        }
      }
      logger.info('emergency stop finished', {
        event: 'stop.done',
        stopped: result.stopped,
        builds: result.builds.length,
      });
      return {
        status: 200,
        body: { ...result, ...(cleanupBuild ? { testRunCleanupBuild: cleanupBuild } : {}) },
      };
    },
  });
}

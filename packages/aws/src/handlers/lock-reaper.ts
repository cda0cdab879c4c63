import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { FINAL_RUN_STATUSES, type LockState, type Run } from '@perfplane/store';
import type { ExecutionStatus } from '../adapters/orchestrator.js';

export interface LockReaperDependencies {
  logger: Logger;
  environments: readonly string[];
  getLock: (environment: string) => Promise<LockState | undefined>;
  getRun: (runId: string) => Promise<Run | undefined>;
  executionStatus: (executionArn: string) => Promise<ExecutionStatus>;
  /** Records how the run's execution ended and frees its lock (the control plane's finishExecution). */
  finishRun: (
    runId: string,
    ended: { ok: boolean; error?: { Error: string; Cause?: string } },
  ) => Promise<void>;
  releaseLock: (environment: string, owner: string, fence: number) => Promise<void>;
}

export interface ReapResult {
  environment: string;
  outcome: 'free' | 'kept' | 'released';
  owner?: string;
  reason?: string;
}

async function ownerEnded(
  deps: LockReaperDependencies,
  run: Run | undefined,
): Promise<{ ended: boolean; status?: ExecutionStatus; reason: string }> {
  if (!run) {
    return { ended: true, reason: 'owner run not found' };
  }
  if (FINAL_RUN_STATUSES.includes(run.status)) {
    return { ended: true, reason: `owner run is ${run.status}` };
  }
  if (!run.executionArn) {
    // A run that never started an execution is still being created; the lease decides.
    return { ended: false, reason: 'owner run has no execution yet' };
  }
  const status = await deps.executionStatus(run.executionArn);
  return status === 'RUNNING' || status === 'UNKNOWN'
    ? { ended: false, status, reason: `execution is ${status}` }
    : { ended: true, status, reason: `execution ${status}` };
}

/**
 * Scheduled: frees environment locks whose owner execution has ended
 * without releasing them (aborted, timed out, or failed before its last
 * step). A lock whose owner still runs is kept even when its lease expired;
 * the next acquire may take an expired lease anyway.
 */
export function createLockReaperHandler(deps: LockReaperDependencies) {
  const { logger } = deps;
  const reap = async (environment: string): Promise<ReapResult> => {
    const lock = await deps.getLock(environment);
    if (!lock?.owner) {
      return { environment, outcome: 'free' };
    }
    const run = await deps.getRun(lock.owner);
    const verdict = await ownerEnded(deps, run);
    if (!verdict.ended) {
      logger.info('lock kept', {
        event: 'lock.kept',
        environment,
        owner: lock.owner,
        reason: verdict.reason,
      });
      return { environment, outcome: 'kept', owner: lock.owner, reason: verdict.reason };
    }
    if (run && !FINAL_RUN_STATUSES.includes(run.status)) {
      await deps.finishRun(run.runId, {
        ok: verdict.status === 'SUCCEEDED',
        ...(verdict.status === 'SUCCEEDED'
          ? {}
          : {
              error: {
                Error: verdict.status === 'ABORTED' ? 'RunStopped' : 'PhaseFailed',
                Cause: verdict.reason,
              },
            }),
      });
    }
    const after = await deps.getLock(environment);
    if (after?.owner === lock.owner) {
      await deps.releaseLock(environment, lock.owner, after.fence);
    }
    logger.info('lock released', {
      event: 'lock.released',
      environment,
      owner: lock.owner,
      reason: verdict.reason,
    });
    return { environment, outcome: 'released', owner: lock.owner, reason: verdict.reason };
  };
  const handle = async (): Promise<ReapResult[]> => {
    const results: ReapResult[] = [];
    for (const environment of deps.environments) {
      try {
        results.push(await reap(environment));
      } catch (error) {
        logger.error('lock check failed', {
          event: 'request.failed',
          environment,
          error: error as Error,
        });
      }
    }
    return results;
  };
  return middy<unknown, ReapResult[]>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(handle);
}

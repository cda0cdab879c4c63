import type { Logger } from '@aws-lambda-powertools/logger';
import { PerfplaneError } from '@perfplane/core';
import type { LockState } from '@perfplane/store';
import { z } from 'zod';
import type { CostSavingResult } from '../adapters/cost-saver.js';
import { operationHandler } from './operation.js';

export const costSavingRequestBody = z.strictObject({
  action: z.enum(['on', 'off', 'restop-database']),
  retainData: z.boolean().optional(),
});

export interface CostSavingDependencies {
  logger: Logger;
  environments: readonly string[];
  getLock: (environment: string) => Promise<LockState | undefined>;
  apply: (environment: string, action: 'on' | 'off') => Promise<CostSavingResult[]>;
  restopDatabase: (environment: string) => Promise<CostSavingResult[]>;
  /** Starts validation after a restore, without waiting for it. */
  validateLater: (environment: string) => Promise<void>;
  now?: () => Date;
}

function assertNoRun(lock: LockState | undefined, environment: string, now: Date): void {
  const leased = lock?.owner && lock.expiresAt && Date.parse(lock.expiresAt) > now.getTime();
  if (leased) {
    throw new PerfplaneError(
      'LockHeld',
      `run ${lock.owner} holds the lock of "${environment}" until ${lock.expiresAt}; wait for it to end or stop it with emergency-stop, then retry`,
    );
  }
}

/**
 * Cost-saving mode, from the API, Slack or the schedule. It is rejected
 * while a run holds the environment lock, because scaling nodes away under a
 * running phase would fail it. Turning the mode off restores and then starts
 * a validation.
 */
export function createCostSavingHandler(deps: CostSavingDependencies) {
  const { logger } = deps;
  return operationHandler({
    name: 'cost-saving',
    logger,
    body: costSavingRequestBody,
    environments: deps.environments,
    run: async (environment, body) => {
      try {
        assertNoRun(await deps.getLock(environment), environment, deps.now?.() ?? new Date());
      } catch (error) {
        logger.info('cost-saving request rejected: the environment lock is held', {
          event: 'cost-saving.rejected',
        });
        throw error;
      }
      if (body.action === 'restop-database') {
        const results = await deps.restopDatabase(environment);
        logger.info('database re-stop checked', { event: 'cost-saving.database', results });
        return { status: 200, body: { environment, action: body.action, results } };
      }
      const results = await deps.apply(environment, body.action);
      const failed = results.filter((result) => result.outcome === 'failed');
      if (body.action === 'off' && failed.length === 0) {
        await deps.validateLater(environment);
      }
      logger.info('cost-saving applied', {
        event: 'cost-saving.done',
        action: body.action,
        failed: failed.length,
      });
      return {
        status: failed.length > 0 ? 502 : 200,
        body: {
          environment,
          action: body.action,
          results,
          validationStarted: body.action === 'off' && failed.length === 0,
        },
      };
    },
  });
}

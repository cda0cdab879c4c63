import type { Logger } from '@aws-lambda-powertools/logger';
import type { Environment } from '@perfplane/core';
import type { FastValidation } from '../adapters/checks.js';
import { validateBody } from '../http/schemas.js';
import { operationHandler } from './operation.js';

export interface ValidateDependencies {
  logger: Logger;
  environments: readonly string[];
  loadEnvironment: (name: string) => Promise<Environment>;
  validate: (environment: Environment) => Promise<FastValidation>;
  /** Starts the validate state machine, which runs every phase's validate build; returns the run id. */
  startValidateBuilds: (environment: string) => Promise<{ runId: string }>;
}

/**
 * Creates the validate Lambda: checks through the AWS APIs that return in
 * seconds. With `detailed` it also starts the phases' validate builds and
 * returns their run id.
 */
export function createValidateHandler(deps: ValidateDependencies) {
  const { logger } = deps;
  return operationHandler({
    name: 'validate',
    logger,
    body: validateBody,
    environments: deps.environments,
    run: async (environment, body) => {
      const env = await deps.loadEnvironment(environment);
      const result = await deps.validate(env);
      for (const check of result.checks.filter((item) => !item.ok)) {
        logger.warn('check failed', {
          event: 'validate.check',
          check: check.name,
          reason: check.message,
        });
      }
      const builds = body.detailed ? await deps.startValidateBuilds(environment) : undefined;
      logger.info('validation done', {
        event: 'validate.done',
        ok: result.ok,
        builds: builds?.runId,
      });
      return { status: 200, body: { ...result, ...(builds ? { validateRun: builds.runId } : {}) } };
    },
  });
}

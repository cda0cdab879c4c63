import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { isPerfplaneError, PerfplaneError } from '@perfplane/core';
import { z } from 'zod';
import { appendRunKeys } from '../runtime/logger.js';

/** The envelope every steps task sends; the step's own fields pass through unchanged. */
const stepEnvelope = z.looseObject({
  step: z.string().min(1).max(64),
  runId: z.string().min(1).max(128),
  environment: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/),
  phase: z.string().max(64).optional(),
});

export type StepEnvelope = z.infer<typeof stepEnvelope>;

export interface StepsDependencies {
  logger: Logger;
  /** The control plane's steps handler. */
  handleStep: (input: StepEnvelope) => Promise<unknown>;
}

/**
 * Creates the Lambda behind every `lambda:invoke` Task of the state machines.
 * Errors keep their code as the error name, which Step Functions reports as
 * the task's Error, so the machines' Catch rules can match them.
 */
export function createStepsHandler(deps: StepsDependencies) {
  const { logger } = deps;
  const handle = async (event: unknown): Promise<unknown> => {
    const parsed = stepEnvelope.safeParse(event);
    if (!parsed.success) {
      const error = new PerfplaneError(
        'InvalidArgument',
        `invalid step payload: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
      );
      logger.error('step rejected', { event: 'request.rejected', error });
      throw error;
    }
    const input = parsed.data;
    appendRunKeys(logger, {
      runId: input.runId,
      environment: input.environment,
      phase: input.phase,
    });
    try {
      const result = await deps.handleStep(input);
      logger.info('step done', { event: 'steps.done', step: input.step });
      return result ?? {};
    } catch (error) {
      if (isPerfplaneError(error)) {
        logger.warn('step ended with an error', {
          event: 'steps.done',
          step: input.step,
          code: error.code,
          reason: error.message,
        });
      } else {
        logger.error('step failed', {
          event: 'request.failed',
          step: input.step,
          error: error as Error,
        });
      }
      throw error;
    }
  };
  return middy<unknown, unknown>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(handle);
}

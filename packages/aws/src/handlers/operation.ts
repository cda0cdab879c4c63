import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { environmentName } from '../http/schemas.js';
import type { OperationRequest, RouterResponse } from '../ports.js';
import { HttpError, toErrorResponse } from '../runtime/http-errors.js';
import { appendRunKeys } from '../runtime/logger.js';

const requestSchema = z.strictObject({
  environment: environmentName,
  body: z.record(z.string(), z.unknown()),
  source: z.enum(['api', 'slack', 'schedule']),
  requestedBy: z.string().max(2048).optional(),
});

/**
 * Wraps an operation Lambda: checks the request envelope and body, appends
 * the environment to every log line, and turns errors into the API's error
 * response, logged once. The API, Slack and schedules all call it this way.
 */
export function operationHandler<Body>(options: {
  name: string;
  logger: Logger;
  body: z.ZodType<Body>;
  environments: readonly string[];
  run: (environment: string, body: Body, request: OperationRequest) => Promise<RouterResponse>;
}) {
  const { logger } = options;
  const handle = async (event: unknown): Promise<RouterResponse> => {
    try {
      const envelope = requestSchema.safeParse(event);
      if (!envelope.success) {
        throw new HttpError(
          400,
          'InvalidArgument',
          `invalid ${options.name} request: ${envelope.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('; ')}`,
        );
      }
      const request = envelope.data as OperationRequest;
      appendRunKeys(logger, { environment: request.environment });
      if (!options.environments.includes(request.environment)) {
        throw new HttpError(
          404,
          'UnknownEnvironment',
          `unknown environment "${request.environment}"; this deployment serves: ${options.environments.join(', ') || 'none'}`,
        );
      }
      const body = options.body.safeParse(request.body);
      if (!body.success) {
        throw new HttpError(
          400,
          'InvalidArgument',
          `invalid ${options.name} body: ${body.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ')}`,
        );
      }
      return await options.run(request.environment, body.data, request);
    } catch (error) {
      const response = toErrorResponse(error);
      if (response.status < 500) {
        logger.warn(`${options.name} rejected`, {
          event: 'request.rejected',
          status: response.status,
          code: response.body.error.code,
          reason: response.body.error.message,
        });
      } else {
        logger.error(`${options.name} failed`, { event: 'request.failed', error: error as Error });
      }
      return response;
    }
  };
  return middy<unknown, RouterResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(handle);
}

import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { validateRequest } from '../http/request.js';
import type { ApiRouter, OperationInvoker, RouterResponse } from '../ports.js';
import { HttpError, toErrorResponse } from '../runtime/http-errors.js';
import { appendRunKeys } from '../runtime/logger.js';

export interface ApiDependencies {
  router: ApiRouter;
  invoke: OperationInvoker;
  /** Environments this deployment serves; others get 404. */
  environments: readonly string[];
  logger: Logger;
}

function json(response: RouterResponse): APIGatewayProxyStructuredResultV2 {
  const body = response.body === undefined ? '' : JSON.stringify(response.body);
  return {
    statusCode: response.status,
    headers: { 'content-type': 'application/json', ...response.headers },
    body,
  };
}

function callerOf(event: APIGatewayProxyEventV2): string | undefined {
  const context = event.requestContext as { authorizer?: { iam?: { userArn?: string } } };
  return context.authorizer?.iam?.userArn;
}

/**
 * The HTTP API Lambda: validates the request against the route table, then
 * hands it to the dedicated operation Lambda or the shared router. Errors
 * become `{ error: { code, message } }`, logged once.
 */
export function createApiHandler(deps: ApiDependencies) {
  const { logger } = deps;
  const handle = async (
    event: APIGatewayProxyEventV2,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      const request = validateRequest(event);
      appendRunKeys(logger, {
        environment: request.params.env,
        phase: request.params.phase,
        runId: request.params.runId,
      });
      const environment = request.params.env;
      if (environment !== undefined && !deps.environments.includes(environment)) {
        throw new HttpError(
          404,
          'UnknownEnvironment',
          `unknown environment "${environment}"; this deployment serves: ${deps.environments.join(', ') || 'none'}`,
        );
      }
      const response =
        request.route.lambda && environment !== undefined
          ? await deps.invoke(request.route.lambda, {
              environment,
              body: request.body ?? {},
              source: 'api',
              requestedBy: callerOf(event),
            })
          : await deps.router({
              method: request.method,
              path: event.rawQueryString ? `${request.path}?${event.rawQueryString}` : request.path,
              headers: request.headers,
              body: request.body,
            });
      logger.info('request completed', {
        event: 'request.completed',
        operation: request.route.operationId,
        status: response.status,
      });
      return json(response);
    } catch (error) {
      const { status, body } = toErrorResponse(error);
      if (status < 500) {
        logger.warn('request rejected', {
          event: 'request.rejected',
          status,
          code: body.error.code,
          reason: body.error.message,
        });
      } else {
        logger.error('request failed', { event: 'request.failed', status, error: error as Error });
      }
      return json({ status, body });
    }
  };
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(handle);
}

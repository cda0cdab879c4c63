import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { vi } from 'vitest';
import { toApiGatewayEvent } from '../src/local/http-adapter.js';

/** Creates a silent logger and spies on its warn, info and error calls. */
export function makeLogger() {
  const logger = new Logger({ serviceName: 'perfplane-test', logLevel: 'SILENT' });
  return {
    logger,
    warn: vi.spyOn(logger, 'warn'),
    info: vi.spyOn(logger, 'info'),
    error: vi.spyOn(logger, 'error'),
  };
}

export function makeContext(overrides: Partial<Context> = {}): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'perfplane-test-fn',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:perfplane-test-fn',
    memoryLimitInMB: '512',
    awsRequestId: 'request-1',
    logGroupName: 'group',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    ...overrides,
  };
}

export function makeEvent(
  method: string,
  target: string,
  body?: string | Record<string, unknown>,
  headers: Record<string, string> = {},
): APIGatewayProxyEventV2 {
  let text = '';
  if (typeof body === 'string') {
    text = body;
  } else if (body !== undefined) {
    text = JSON.stringify(body);
  }
  return toApiGatewayEvent(
    method,
    target,
    { 'content-type': 'application/json', ...headers },
    Buffer.from(text),
  );
}

import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { rawBodyOf } from '../http/request.js';
import { parseSlackCommand, type SlackApiCall } from '../slack/commands.js';
import { verifySlackSignature } from '../slack/signature.js';

/** The payload the acknowledging invocation hands to the asynchronous one. */
export interface SlackWork {
  kind: 'perfplane.slack-work';
  call: SlackApiCall;
  summary: string;
  responseUrl: string;
  userId: string;
}

export interface SlackDependencies {
  signingSecret: () => Promise<string>;
  lambda: LambdaClient;
  /** This function's name, invoked again with InvocationType Event to do the work. */
  selfFunctionName: string;
  apiFunctionName: string;
  /** Whether a response_url may be posted to; Slack's hooks host only, in production. */
  allowResponseUrl?: (url: URL) => boolean;
  nowSeconds?: () => number;
  logger: Logger;
}

type SlackEvent = APIGatewayProxyEventV2 | SlackWork;

const reply = (statusCode: number, text: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ response_type: 'ephemeral', text }),
});

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const entry = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return entry?.[1];
}

const slackHooks = (url: URL) => url.protocol === 'https:' && url.hostname === 'hooks.slack.com';

function apiEvent(call: SlackApiCall): APIGatewayProxyEventV2 {
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: call.path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    isBase64Encoded: false,
    ...(body === undefined ? {} : { body }),
    requestContext: { http: { method: call.method, path: call.path } },
  } as unknown as APIGatewayProxyEventV2;
}

function describeAnswer(summary: string, result: { statusCode?: number; body?: string }): string {
  const status = result.statusCode ?? 500;
  let parsed: unknown;
  try {
    parsed = result.body ? JSON.parse(result.body) : undefined;
  } catch {
    parsed = result.body;
  }
  const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (status >= 400 || error) {
    return `${summary} failed (${status} ${error?.code ?? ''}): ${error?.message ?? 'no details'}`;
  }
  return `${summary}: done\n\`\`\`${JSON.stringify(parsed, null, 2).slice(0, 2500)}\`\`\``;
}

/**
 * Creates the Slack slash-command Lambda. The first invocation verifies the
 * signature over the exact raw body, ignores Slack's retries, hands the work
 * to an asynchronous invocation of this function and responds at once, well
 * inside Slack's 3 s. The asynchronous invocation calls the API Lambda and
 * posts the result to the command's response_url.
 */
export function createSlackHandler(deps: SlackDependencies) {
  const { logger } = deps;
  const allowResponseUrl = deps.allowResponseUrl ?? slackHooks;
  const now = deps.nowSeconds ?? (() => Math.floor(Date.now() / 1000));

  const acknowledge = async (
    event: APIGatewayProxyEventV2,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const rawBody = rawBodyOf(event);
    const check = verifySlackSignature({
      secret: await deps.signingSecret(),
      rawBody,
      timestamp: header(event, 'x-slack-request-timestamp'),
      signature: header(event, 'x-slack-signature'),
      nowSeconds: now(),
    });
    if (!check.ok) {
      logger.warn('slack request rejected', { event: 'slack.rejected', reason: check.reason });
      return {
        statusCode: 401,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          error: { code: 'Unauthorized', message: `Slack signature check failed: ${check.reason}` },
        }),
      };
    }
    const retry = header(event, 'x-slack-retry-num');
    if (retry !== undefined) {
      // The first delivery already started the work; doing it again would repeat a run or a stop.
      logger.info('slack retry ignored', {
        event: 'slack.retry-ignored',
        retry,
        reason: header(event, 'x-slack-retry-reason'),
      });
      return { statusCode: 200, headers: { 'x-slack-no-retry': '1' }, body: '' };
    }
    const form = new URLSearchParams(rawBody);
    const parsed = parseSlackCommand(form.get('text') ?? '');
    if (!parsed.ok) {
      return reply(200, parsed.message);
    }
    const responseUrl = form.get('response_url') ?? '';
    let url: URL;
    try {
      url = new URL(responseUrl);
    } catch {
      return reply(400, 'missing or invalid response_url');
    }
    if (!allowResponseUrl(url)) {
      logger.warn('slack request rejected', {
        event: 'slack.rejected',
        reason: 'response-url-host',
        host: url.hostname,
      });
      return reply(400, 'response_url must be a Slack hooks URL');
    }
    const work: SlackWork = {
      kind: 'perfplane.slack-work',
      call: parsed.call,
      summary: parsed.summary,
      responseUrl,
      userId: form.get('user_id') ?? 'unknown',
    };
    await deps.lambda.send(
      new InvokeCommand({
        FunctionName: deps.selfFunctionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(work)),
      }),
    );
    logger.info('slack command accepted', {
      event: 'slack.accepted',
      summary: parsed.summary,
      user: work.userId,
    });
    return reply(200, `Working on ${parsed.summary}...`);
  };

  const work = async (job: SlackWork): Promise<void> => {
    const output = await deps.lambda.send(
      new InvokeCommand({
        FunctionName: deps.apiFunctionName,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(JSON.stringify(apiEvent(job.call))),
      }),
    );
    const text = output.Payload ? Buffer.from(output.Payload).toString('utf8') : '{}';
    const answer = output.FunctionError
      ? `${job.summary} failed: the API Lambda raised ${output.FunctionError}`
      : describeAnswer(job.summary, JSON.parse(text) as { statusCode?: number; body?: string });
    const url = new URL(job.responseUrl);
    if (!allowResponseUrl(url)) {
      throw new Error(`response_url host ${url.hostname} is not allowed`);
    }
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text: answer }),
    });
    logger.info('slack response posted', { event: 'slack.answered', status: response.status });
  };

  const handle = async (
    event: SlackEvent,
  ): Promise<APIGatewayProxyStructuredResultV2 | undefined> => {
    if ('kind' in event && event.kind === 'perfplane.slack-work') {
      await work(event);
      return undefined;
    }
    return acknowledge(event as APIGatewayProxyEventV2);
  };
  return middy<SlackEvent, APIGatewayProxyStructuredResultV2 | undefined>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(handle);
}

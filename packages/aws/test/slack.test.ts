import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackHandler, type SlackWork } from '../src/handlers/slack.js';
import { parseSlackCommand } from '../src/slack/commands.js';
import { signSlackRequest, verifySlackSignature } from '../src/slack/signature.js';
import { makeContext, makeEvent, makeLogger } from './helpers.js';

const SECRET = 'slack-signing-secret-for-tests';
const NOW = 1_800_000_000;
const lambda = mockClient(LambdaClient);

function makeSlack(overrides: { allow?: (url: URL) => boolean } = {}) {
  const log = makeLogger();
  const handler = createSlackHandler({
    signingSecret: async () => SECRET,
    lambda: new LambdaClient({}),
    selfFunctionName: 'pp-test-slack',
    apiFunctionName: 'pp-test-api',
    allowResponseUrl: overrides.allow ?? ((url) => url.hostname === '127.0.0.1'),
    nowSeconds: () => NOW,
    logger: log.logger,
  });
  return { handler, log };
}

function slackForm(text: string, responseUrl = 'http://127.0.0.1:9/hook'): string {
  return new URLSearchParams({
    command: '/perfplane',
    text,
    user_id: 'U123',
    response_url: responseUrl,
  }).toString();
}

function signedEvent(
  body: string,
  options: { timestamp?: number; base64?: boolean; headers?: Record<string, string> } = {},
) {
  const timestamp = String(options.timestamp ?? NOW);
  const event = makeEvent('POST', '/slack/commands', body, {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signSlackRequest(SECRET, timestamp, body),
    ...options.headers,
  });
  if (options.base64) {
    event.body = Buffer.from(body).toString('base64');
    event.isBase64Encoded = true;
  }
  return event;
}

beforeEach(() => {
  lambda.reset();
});

describe('verifySlackSignature', () => {
  const body = 'text=status+staging';
  const signature = signSlackRequest(SECRET, String(NOW), body);
  const check = (overrides: Partial<Parameters<typeof verifySlackSignature>[0]>) =>
    verifySlackSignature({
      secret: SECRET,
      rawBody: body,
      timestamp: String(NOW),
      signature,
      nowSeconds: NOW,
      ...overrides,
    });

  it('accepts a valid signature', () => {
    expect(check({})).toEqual({ ok: true });
  });

  it('rejects a changed body', () => {
    expect(check({ rawBody: `${body}&x=1` })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a wrong secret', () => {
    expect(check({ secret: 'other' })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a short signature', () => {
    expect(check({ signature: 'v0=abc' })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects old timestamps', () => {
    expect(check({ nowSeconds: NOW + 301 })).toEqual({ ok: false, reason: 'stale-timestamp' });
  });

  it('accepts five minutes of skew', () => {
    expect(check({ nowSeconds: NOW + 300 })).toEqual({ ok: true });
  });

  it('rejects future timestamps', () => {
    expect(check({ nowSeconds: NOW - 301 })).toEqual({ ok: false, reason: 'stale-timestamp' });
  });

  it('rejects missing headers', () => {
    expect(check({ timestamp: undefined })).toEqual({ ok: false, reason: 'missing-headers' });
    expect(check({ signature: undefined })).toEqual({ ok: false, reason: 'missing-headers' });
    expect(check({ timestamp: '12abc' })).toEqual({ ok: false, reason: 'missing-headers' });
  });
});

describe('parseSlackCommand', () => {
  it('maps status to progress', () => {
    expect(parseSlackCommand('status staging')).toMatchObject({
      ok: true,
      call: { method: 'GET', path: '/environments/staging/progress' },
    });
  });

  it('resolves phase names', () => {
    expect(parseSlackCommand('run staging 1 mojaloop')).toMatchObject({
      ok: true,
      call: { body: { phases: ['01-prerequisites', '04-mojaloop'] } },
    });
  });

  it('rejects unknown phases', () => {
    expect(parseSlackCommand('run staging 42')).toMatchObject({
      ok: false,
      message: /unknown phase "42"/,
    });
  });

  it('rejects bad environment names', () => {
    expect(parseSlackCommand('status ../x')).toMatchObject({ ok: false });
  });

  it('prints usage for help', () => {
    expect(parseSlackCommand('help')).toMatchObject({ ok: false, message: /Usage/ });
  });
});

describe('slack handler', () => {
  it('acknowledges and hands off', async () => {
    const { handler } = makeSlack();
    const body = slackForm('stop staging');
    const result = await handler(signedEvent(body), makeContext());
    expect(result?.statusCode).toBe(200);
    expect(JSON.parse(result?.body ?? '{}').text).toMatch(/Working on emergency stop of staging/);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input?.FunctionName).toBe('pp-test-slack');
    expect(input?.InvocationType).toBe('Event');
    expect(JSON.parse(Buffer.from(input?.Payload as Uint8Array).toString())).toEqual({
      kind: 'perfplane.slack-work',
      call: {
        method: 'POST',
        path: '/environments/staging/emergency-stop',
        body: { reason: 'requested from Slack' },
      },
      summary: 'emergency stop of staging',
      responseUrl: 'http://127.0.0.1:9/hook',
      userId: 'U123',
    });
  });

  it('verifies base64 bodies after decoding', async () => {
    const { handler } = makeSlack();
    const result = await handler(
      signedEvent(slackForm('status staging'), { base64: true }),
      makeContext(),
    );
    expect(result?.statusCode).toBe(200);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
  });

  it('rejects a stale request', async () => {
    const { handler, log } = makeSlack();
    const result = await handler(
      signedEvent(slackForm('stop staging'), { timestamp: NOW - 600 }),
      makeContext(),
    );
    expect(result?.statusCode).toBe(401);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 0);
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('rejects a forged signature', async () => {
    const { handler } = makeSlack();
    const event = signedEvent(slackForm('stop staging'), {
      headers: { 'x-slack-signature': `v0=${'0'.repeat(64)}` },
    });
    const result = await handler(event, makeContext());
    expect(result?.statusCode).toBe(401);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 0);
  });

  it('ignores retries', async () => {
    const { handler } = makeSlack();
    const event = signedEvent(slackForm('stop staging'), {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    const result = await handler(event, makeContext());
    expect(result?.statusCode).toBe(200);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 0);
  });

  it('rejects foreign response URLs', async () => {
    const production = createSlackHandler({
      signingSecret: async () => SECRET,
      lambda: new LambdaClient({}),
      selfFunctionName: 'a',
      apiFunctionName: 'b',
      nowSeconds: () => NOW,
      logger: makeLogger().logger,
    });
    const result = await production(
      signedEvent(slackForm('stop staging', 'https://attacker.example/hook')),
      makeContext(),
    );
    expect(result?.statusCode).toBe(400);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 0);
  });

  it('answers usage without work', async () => {
    const { handler } = makeSlack();
    const result = await handler(signedEvent(slackForm('dance staging')), makeContext());
    expect(JSON.parse(result?.body ?? '{}').text).toMatch(/unknown command "dance"/);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 0);
  });
});

describe('slack worker', () => {
  const posts: { body: string }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      posts.push({ body });
      response.end('ok');
    });
  });
  let hook = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const work = (): SlackWork => ({
    kind: 'perfplane.slack-work',
    call: { method: 'GET', path: '/environments/staging/progress' },
    summary: 'status of staging',
    responseUrl: hook,
    userId: 'U1',
  });

  it('calls the API and posts the answer', async () => {
    posts.length = 0;
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: Buffer.from(
        JSON.stringify({ statusCode: 200, body: JSON.stringify({ percent: 40 }) }),
      ) as never,
    });
    const { handler } = makeSlack();
    await handler(work(), makeContext());
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input?.FunctionName).toBe('pp-test-api');
    expect(input?.InvocationType).toBe('RequestResponse');
    const event = JSON.parse(Buffer.from(input?.Payload as Uint8Array).toString());
    expect(event.rawPath).toBe('/environments/staging/progress');
    expect(event.requestContext.http.method).toBe('GET');
    expect(posts).toHaveLength(1);
    expect(JSON.parse(posts[0]?.body ?? '{}').text).toMatch(
      /status of staging: done[\s\S]*"percent": 40/,
    );
  });

  it('posts API errors', async () => {
    posts.length = 0;
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: Buffer.from(
        JSON.stringify({
          statusCode: 409,
          body: JSON.stringify({ error: { code: 'LockHeld', message: 'run r1 holds the lock' } }),
        }),
      ) as never,
    });
    const { handler } = makeSlack();
    await handler(work(), makeContext());
    expect(JSON.parse(posts[0]?.body ?? '{}').text).toMatch(
      /failed \(409 LockHeld\): run r1 holds the lock/,
    );
  });
});

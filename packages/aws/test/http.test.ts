import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSigV4Fetch, regionFor } from '../src/api-client-sigv4.js';
import { createApiHandler } from '../src/handlers/api.js';
import { createSlackHandler } from '../src/handlers/slack.js';
import { type LocalApi, startLocalApi } from '../src/local/http-adapter.js';
import type { ApiRouter } from '../src/ports.js';
import { signSlackRequest } from '../src/slack/signature.js';
import { makeLogger } from './helpers.js';

const CREDENTIALS = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-secret-key' };
const SECRET = 'slack-secret';
const lambda = mockClient(LambdaClient);

describe('local API over HTTP', () => {
  let api: LocalApi;
  const router = vi.fn<ApiRouter>(async (request) => ({
    status: 200,
    body: { path: request.path, body: request.body ?? null },
  }));

  beforeAll(async () => {
    const logger = makeLogger().logger;
    api = await startLocalApi([
      {
        prefix: '/slack/',
        handler: createSlackHandler({
          signingSecret: async () => SECRET,
          lambda: new LambdaClient({}),
          selfFunctionName: 'slack',
          apiFunctionName: 'api',
          allowResponseUrl: (url) => url.hostname === '127.0.0.1',
          logger,
        }),
      },
      {
        prefix: '/',
        iam: { ...CREDENTIALS, region: 'us-east-1' },
        handler: createApiHandler({
          router,
          invoke: async () => ({ status: 200, body: {} }),
          environments: ['staging'],
          logger,
        }),
      },
    ]);
  });

  afterAll(async () => {
    await api.close();
  });

  describe('sigv4 client', () => {
    const signedFetch = createSigV4Fetch({ region: 'us-east-1', credentials: CREDENTIALS });

    it('reaches the API when signed', async () => {
      const response = await signedFetch(`${api.url}/environments/staging/progress`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ path: '/environments/staging/progress', body: null });
    });

    it('signs bodies and queries', async () => {
      const runs = await signedFetch(`${api.url}/environments/staging/runs`, {
        method: 'POST',
        body: JSON.stringify({ phases: ['01-prerequisites'] }),
      });
      expect(await runs.json()).toEqual({
        path: '/environments/staging/runs',
        body: { phases: ['01-prerequisites'] },
      });
      const report = await signedFetch(`${api.url}/environments/staging/report?name=r1.html`);
      expect(report.status).toBe(200);
    });

    it('rejects unsigned requests', async () => {
      const response = await fetch(`${api.url}/environments/staging/progress`);
      expect(response.status).toBe(403);
    });

    it('rejects a wrong secret key', async () => {
      const wrong = createSigV4Fetch({
        region: 'us-east-1',
        credentials: { ...CREDENTIALS, secretAccessKey: 'guessed' },
      });
      const response = await wrong(`${api.url}/environments/staging/progress`);
      expect(response.status).toBe(403);
    });

    it('rejects a tampered body', async () => {
      const signed = createSigV4Fetch({ region: 'us-east-1', credentials: CREDENTIALS });
      // Sign one body, then send another with the same headers.
      let captured: RequestInit | undefined;
      const realFetch = globalThis.fetch;
      const spy = vi.spyOn(globalThis, 'fetch').mockImplementationOnce(async (_url, init) => {
        captured = init;
        return new Response('{}');
      });
      await signed(`${api.url}/environments/staging/runs`, { method: 'POST', body: '{}' });
      spy.mockRestore();
      const response = await realFetch(`${api.url}/environments/staging/runs`, {
        ...captured,
        body: '{"interactive":true}',
      });
      expect(response.status).toBe(403);
    });

    it('passes validation errors through', async () => {
      const response = await signedFetch(`${api.url}/environments/staging/runs`, {
        method: 'POST',
        body: '{"phases": [',
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'InvalidArgument',
      );
    });

    it('reads the region from the host', () => {
      expect(regionFor(new URL('https://abc.execute-api.eu-west-1.amazonaws.com/'))).toBe(
        'eu-west-1',
      );
    });
  });

  describe('slack route', () => {
    const post = (body: string, headers: Record<string, string>) =>
      fetch(`${api.url}/slack/commands`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    const form = new URLSearchParams({
      text: 'status staging',
      user_id: 'U1',
      response_url: 'http://127.0.0.1:9/hook',
    }).toString();
    const now = () => String(Math.floor(Date.now() / 1000));

    it('accepts a signed form body', async () => {
      lambda.reset();
      const timestamp = now();
      const response = await post(form, {
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signSlackRequest(SECRET, timestamp, form),
      });
      expect(response.status).toBe(200);
      expect(lambda.calls()).toHaveLength(1);
    });

    it('rejects a bad signature', async () => {
      lambda.reset();
      const timestamp = now();
      const response = await post(form, {
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signSlackRequest('other', timestamp, form),
      });
      expect(response.status).toBe(401);
      expect(lambda.calls()).toHaveLength(0);
    });

    it('rejects a stale timestamp', async () => {
      lambda.reset();
      const timestamp = String(Math.floor(Date.now() / 1000) - 3600);
      const response = await post(form, {
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signSlackRequest(SECRET, timestamp, form),
      });
      expect(response.status).toBe(401);
      expect(lambda.calls()).toHaveLength(0);
    });

    it('ignores a replayed retry', async () => {
      lambda.reset();
      const timestamp = now();
      const response = await post(form, {
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signSlackRequest(SECRET, timestamp, form),
        'x-slack-retry-num': '2',
      });
      expect(response.status).toBe(200);
      expect(lambda.calls()).toHaveLength(0);
    });
  });
});

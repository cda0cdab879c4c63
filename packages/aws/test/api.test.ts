import { describe, expect, it, vi } from 'vitest';
import { createApiHandler } from '../src/handlers/api.js';
import { validateRequest } from '../src/http/request.js';
import { MAX_BODY_BYTES } from '../src/http/schemas.js';
import type { ApiRouter, OperationInvoker } from '../src/ports.js';
import { makeContext, makeEvent, makeLogger } from './helpers.js';

function makeApi(overrides: { router?: ApiRouter; invoke?: OperationInvoker } = {}) {
  const log = makeLogger();
  const router = vi.fn<ApiRouter>(
    overrides.router ?? (async () => ({ status: 200, body: { ok: true } })),
  );
  const invoke = vi.fn<OperationInvoker>(
    overrides.invoke ?? (async () => ({ status: 202, body: { stopping: true } })),
  );
  const handler = createApiHandler({
    router,
    invoke,
    environments: ['aws-1000tps', 'staging'],
    logger: log.logger,
  });
  const call = async (...args: Parameters<typeof makeEvent>) => {
    const result = await handler(makeEvent(...args), makeContext());
    return { status: result.statusCode, body: result.body ? JSON.parse(result.body) : undefined };
  };
  return { call, router, invoke, log };
}

describe('validateRequest', () => {
  it('accepts a documented request', () => {
    const request = validateRequest(
      makeEvent('POST', '/environments/staging/runs', { phases: ['01-prerequisites'] }),
    );
    expect(request.route.operationId).toBe('startRun');
    expect(request.params).toEqual({ env: 'staging' });
    expect(request.body).toEqual({ phases: ['01-prerequisites'] });
  });

  it('decodes base64 bodies', () => {
    const event = makeEvent('POST', '/environments/staging/runs');
    event.body = Buffer.from('{"interactive":true}').toString('base64');
    event.isBase64Encoded = true;
    expect(validateRequest(event).body).toEqual({ interactive: true });
  });

  it('accepts a report name', () => {
    const request = validateRequest(
      makeEvent('GET', '/environments/staging/report?name=run-1.html'),
    );
    expect(request.query).toEqual({ name: 'run-1.html' });
  });
});

describe('api handler', () => {
  it('forwards to the router', async () => {
    const { call, router } = makeApi();
    const response = await call('POST', '/environments/staging/runs', { interactive: true });
    expect(response).toEqual({ status: 200, body: { ok: true } });
    expect(router).toHaveBeenCalledWith({
      method: 'POST',
      path: '/environments/staging/runs',
      headers: expect.objectContaining({ 'content-type': 'application/json' }),
      body: { interactive: true },
    });
  });

  it('keeps the query for the router', async () => {
    const { call, router } = makeApi();
    await call('GET', '/environments/staging/report?name=latest.html');
    expect(router.mock.calls[0]?.[0].path).toBe('/environments/staging/report?name=latest.html');
  });

  it('sends operations to their Lambda', async () => {
    const { call, router, invoke } = makeApi();
    const response = await call('POST', '/environments/staging/emergency-stop', {});
    expect(response.status).toBe(202);
    expect(invoke).toHaveBeenCalledWith('emergency-stop', {
      environment: 'staging',
      body: {},
      source: 'api',
      requestedBy: undefined,
    });
    expect(router).not.toHaveBeenCalled();
  });

  it('passes router errors through', async () => {
    const { call } = makeApi({
      router: async () => ({ status: 409, body: { error: { code: 'LockHeld', message: 'held' } } }),
    });
    expect(await call('POST', '/environments/staging/resume')).toEqual({
      status: 409,
      body: { error: { code: 'LockHeld', message: 'held' } },
    });
  });

  it('hides internal errors', async () => {
    const { call, log } = makeApi({
      router: async () => {
        throw new Error('table secret-name missing');
      },
    });
    const response = await call('GET', '/environments/staging/progress');
    expect(response.status).toBe(500);
    expect(response.body.error.code).toBe('Internal');
    expect(JSON.stringify(response.body)).not.toContain('secret-name');
    expect(log.error).toHaveBeenCalledTimes(1);
  });
});

describe('api handler bad input', () => {
  const cases: [string, Parameters<typeof makeEvent>, number, RegExp][] = [
    ['malformed JSON', ['POST', '/environments/staging/runs', '{"phases":'], 400, /not valid JSON/],
    [
      'unknown field',
      ['POST', '/environments/staging/runs', { phases: ['01-prerequisites'], force: true }],
      400,
      /force/,
    ],
    [
      'wrong type',
      ['POST', '/environments/staging/runs', { interactive: 'yes' }],
      400,
      /interactive/,
    ],
    [
      'unknown phase in body',
      ['POST', '/environments/staging/runs', { phases: ['09-x'] }],
      400,
      /phases/,
    ],
    [
      'unknown environment',
      ['GET', '/environments/nowhere/progress'],
      404,
      /unknown environment "nowhere"/,
    ],
    ['invalid environment', ['GET', '/environments/Bad_Env/progress'], 400, /env "Bad_Env"/],
    [
      'unknown phase in path',
      ['POST', '/environments/staging/phases/99-nothing/skip', { reason: 'x' }],
      404,
      /phase "99-nothing"/,
    ],
    [
      'body over limit',
      [
        'POST',
        '/environments/staging/phases/01-prerequisites/skip',
        { reason: 'x'.repeat(MAX_BODY_BYTES) },
      ],
      413,
      /larger than/,
    ],
    [
      'bundle traversal',
      ['POST', '/environments/staging/support-bundle', { name: '../../etc/passwd' }],
      400,
      /body.name/,
    ],
    [
      'bundle hidden name',
      ['POST', '/environments/staging/support-bundle', { name: '..' }],
      400,
      /body.name/,
    ],
    [
      'report traversal',
      ['GET', '/environments/staging/report?name=..%2F..%2Fsecrets'],
      400,
      /query.name/,
    ],
    [
      'encoded slash in path',
      ['GET', '/environments/staging%2F..%2Fx/progress'],
      400,
      /encoded slash/,
    ],
    ['dot-dot path', ['GET', '/environments/%2e%2e/progress'], 400, /env/],
    ['unknown route', ['GET', '/admin'], 404, /no route/],
    ['wrong method', ['GET', '/environments/staging/runs'], 405, /use POST/],
    ['body on GET', ['GET', '/environments/staging/progress', { a: 1 }], 400, /takes no body/],
    [
      'rollback without target',
      ['POST', '/environments/staging/rollback', {}],
      400,
      /either "phase" or "all"/,
    ],
    [
      'bad cost-saving action',
      ['POST', '/environments/staging/cost-saving', { action: 'maybe' }],
      400,
      /action/,
    ],
    [
      'wrong content type',
      ['POST', '/environments/staging/runs', 'a=1', { 'content-type': 'text/plain' }],
      415,
      /content-type/,
    ],
  ];

  for (const [title, args, status, message] of cases) {
    it(`rejects ${title}`, async () => {
      const { call, router, invoke, log } = makeApi();
      const response = await call(...args);
      expect(response.status).toBe(status);
      expect(response.body.error.message).toMatch(message);
      expect(router).not.toHaveBeenCalled();
      expect(invoke).not.toHaveBeenCalled();
      expect(log.warn).toHaveBeenCalledTimes(1);
    });
  }
});

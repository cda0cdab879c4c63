import { describe, expect, it } from 'vitest';
import type { ControlDeps } from '../src/ports.js';
import { handleApiRequest, MAX_BODY_BYTES } from '../src/router.js';

// Every request below is rejected before an operation runs, so no port is called.
const unused = {} as ControlDeps;

async function call(method: string, path: string, body?: string) {
  const response = await handleApiRequest(unused, { method, path, body });
  return {
    status: response.status,
    body: JSON.parse(response.body) as { error: { code: string; message: string } },
  };
}

describe('handleApiRequest', () => {
  it('unknown route', async () => {
    const response = await call('GET', '/nothing/here');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('NotFound');
  });

  it('wrong method', async () => {
    const response = await call('GET', '/environments/rehearsal/runs');
    expect(response.status).toBe(405);
  });

  it('unknown body field', async () => {
    const response = await call(
      'POST',
      '/environments/rehearsal/rollback',
      '{"phase":"04","force":true}',
    );
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('InvalidArgument');
    expect(response.body.error.message).toContain('force');
  });

  it('invalid JSON', async () => {
    const response = await call('POST', '/environments/rehearsal/runs', '{"phases":');
    expect(response.status).toBe(400);
    expect(response.body.error.message).toBe('request body is not valid JSON');
  });

  it('wrong field type', async () => {
    const response = await call('POST', '/environments/rehearsal/runs', '{"interactive":"yes"}');
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain('field "interactive"');
  });

  it('empty skip reason', async () => {
    const response = await call(
      'POST',
      '/environments/rehearsal/phases/01/skip',
      '{"reason":"  "}',
    );
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain('field "reason"');
  });

  it('oversized body', async () => {
    const body = JSON.stringify({ reason: 'x'.repeat(MAX_BODY_BYTES) });
    const response = await call('POST', '/environments/rehearsal/phases/01/skip', body);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain(`${MAX_BODY_BYTES} bytes`);
  });

  it('bad approval action', async () => {
    const response = await call(
      'POST',
      '/runs/r1/approvals',
      '{"phase":"04","action":"destroy","approved":true}',
    );
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain('field "action"');
  });

  it('unexpected error hides details', async () => {
    const response = await call('GET', '/environments/rehearsal/progress');
    expect(response.status).toBe(500);
    expect(response.body.error).toEqual({
      code: 'Internal',
      message: 'internal error; see the service log',
    });
  });
});

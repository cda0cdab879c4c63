import { PHASE_IDS } from '@perfplane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/index.js';
import type { LocalServer } from '../src/testing.js';
import { makeEnvironment, startStore } from './fixtures.js';

let dynamo: LocalServer;
let store: Store;

beforeAll(async () => {
  ({ dynamo, store } = await startStore());
});

afterAll(async () => {
  await dynamo.close();
});

describe('getPhaseStates', () => {
  it('returns all eight phases as not started', async () => {
    const states = await store.getPhaseStates(makeEnvironment());

    expect(states.map((state) => state.phaseId)).toEqual(PHASE_IDS);
    expect(states.every((state) => state.status === 'not-started')).toBe(true);
    expect(states.every((state) => state.attempt === 0 && state.fence === 0)).toBe(true);
  });

  it('merges written phases into catalog order', async () => {
    const environment = makeEnvironment();
    await store.updatePhaseState(environment, '04-mojaloop', { status: 'failed' }, 1);

    const states = await store.getPhaseStates(environment);

    expect(states).toHaveLength(8);
    expect(states[3]?.status).toBe('failed');
    expect(states[4]?.status).toBe('not-started');
  });
});

describe('updatePhaseState', () => {
  it('stores every patch field', async () => {
    const environment = makeEnvironment();
    const state = await store.updatePhaseState(
      environment,
      '02-infrastructure',
      {
        status: 'failed',
        action: 'deploy',
        percent: 45,
        step: 'Creating EKS cluster',
        startedAt: '2026-01-31T12:00:00.000Z',
        endedAt: '2026-01-31T12:30:00.000Z',
        attempt: 2,
        runId: 'run-a',
        buildId: 'build-7',
        logLocation: 'logs/run-a/02-infrastructure.deploy.log',
        outputs: { vpc_id: 'vpc-123', cluster_name: '' },
        reason: 'terraform apply failed',
        error: { code: 'PhaseFailed', message: 'exit status 1' },
        unmet: ['helm >= 3.14'],
      },
      3,
    );

    expect(await store.getPhaseState(environment, '02-infrastructure')).toEqual(state);
    expect(state).toMatchObject({
      status: 'failed',
      action: 'deploy',
      percent: 45,
      attempt: 2,
      fence: 3,
      outputs: { vpc_id: 'vpc-123', cluster_name: '' },
      error: { code: 'PhaseFailed', message: 'exit status 1' },
      unmet: ['helm >= 3.14'],
    });
  });

  it('increments the attempt', async () => {
    const environment = makeEnvironment();
    await store.updatePhaseState(environment, '03-kubernetes', { attempt: 'increment' }, 1);

    const second = await store.updatePhaseState(
      environment,
      '03-kubernetes',
      { attempt: 'increment', status: 'running' },
      1,
    );

    expect(second.attempt).toBe(2);
    expect(second.status).toBe('running');
  });

  it('removes fields patched with null', async () => {
    const environment = makeEnvironment();
    await store.updatePhaseState(
      environment,
      '01-prerequisites',
      { status: 'failed', error: { code: 'PhaseFailed', message: 'no' }, reason: 'x' },
      1,
    );

    const state = await store.updatePhaseState(
      environment,
      '01-prerequisites',
      { status: 'running', error: null, reason: null },
      1,
    );

    expect(state.error).toBeUndefined();
    expect(state.reason).toBeUndefined();
  });

  it('rejects an older fence with StaleFence', async () => {
    const environment = makeEnvironment();
    await store.updatePhaseState(environment, '06-first-test', { status: 'running' }, 4);

    const stale = store.updatePhaseState(environment, '06-first-test', { status: 'failed' }, 3);

    await expect(stale).rejects.toMatchObject({
      code: 'StaleFence',
      message: expect.stringContaining('fence 4, newer than fence 3'),
    });
    expect((await store.getPhaseState(environment, '06-first-test')).status).toBe('running');
  });

  it('accepts a newer fence', async () => {
    const environment = makeEnvironment();
    await store.updatePhaseState(environment, '06-first-test', { status: 'running' }, 4);

    const state = await store.updatePhaseState(environment, '06-first-test', { percent: 10 }, 5);

    expect(state.fence).toBe(5);
  });

  it('ignores fields outside the patch type', async () => {
    const environment = makeEnvironment();
    const patch = { status: 'running', pk: 'ENV#other', fence: 99 } as never;

    const state = await store.updatePhaseState(environment, '05-k6-infrastructure', patch, 2);

    expect(state.fence).toBe(2);
    expect((await store.getPhaseState(environment, '05-k6-infrastructure')).status).toBe('running');
  });

  it('rejects a percent above 100', async () => {
    const write = store.updatePhaseState(makeEnvironment(), '08-analysis', { percent: 101 }, 1);

    await expect(write).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  it('rejects a non-ISO start time', async () => {
    const write = store.updatePhaseState(
      makeEnvironment(),
      '08-analysis',
      { startedAt: '31/01/2026' },
      1,
    );

    await expect(write).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});

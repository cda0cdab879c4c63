import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/index.js';
import type { LocalServer } from '../src/testing.js';
import { makeEnvironment, makeRunInput, startStore } from './fixtures.js';

let dynamo: LocalServer;
let store: Store;

beforeAll(async () => {
  ({ dynamo, store } = await startStore());
});

afterAll(async () => {
  await dynamo.close();
});

describe('createRun', () => {
  it('stores a pending run', async () => {
    const environment = makeEnvironment();
    const run = await store.createRun(makeRunInput({ environment }));

    expect(run.status).toBe('pending');
    expect(run.runId).toMatch(/^run-\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(await store.getRun(run.runId)).toEqual(run);
  });

  it('rejects a duplicate run id', async () => {
    const input = makeRunInput({ runId: 'run-duplicate' });
    await store.createRun(input);

    await expect(store.createRun(input)).rejects.toMatchObject({ code: 'Conflict' });
  });

  it('rejects an unknown phase', async () => {
    const input = makeRunInput({ phases: ['09-nothing' as never] });

    await expect(store.createRun(input)).rejects.toMatchObject({ code: 'UnknownPhase' });
  });

  it('rejects an environment name with a separator', async () => {
    const input = makeRunInput({ environment: 'dev#1' });

    await expect(store.createRun(input)).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});

describe('getRun', () => {
  it('returns undefined for an unknown run', async () => {
    expect(await store.getRun('run-missing')).toBeUndefined();
  });
});

describe('updateRun', () => {
  it('walks a run from pending to succeeded', async () => {
    const run = await store.createRun(makeRunInput({ environment: makeEnvironment() }));
    const startedAt = '2026-01-31T12:00:00.000Z';

    const running = await store.updateRun(
      run.runId,
      { status: 'running', startedAt, currentPhase: '01-prerequisites' },
      { fence: 1 },
    );
    const done = await store.updateRun(
      run.runId,
      { status: 'succeeded', endedAt: '2026-01-31T13:00:00.000Z', currentPhase: null },
      { fence: 1 },
    );

    expect(running.status).toBe('running');
    expect(running.startedAt).toBe(startedAt);
    expect(running.fence).toBe(1);
    expect(done.status).toBe('succeeded');
    expect(done.currentPhase).toBeUndefined();
    expect(done.endedAt).toBe('2026-01-31T13:00:00.000Z');
  });

  it('rejects a transition out of succeeded', async () => {
    const run = await store.createRun(makeRunInput());
    await store.updateRun(run.runId, { status: 'running' });
    await store.updateRun(run.runId, { status: 'succeeded' });

    await expect(store.updateRun(run.runId, { status: 'running' })).rejects.toMatchObject({
      code: 'Conflict',
      message: expect.stringContaining('from succeeded to running'),
    });
  });

  it('lets a failed run resume', async () => {
    const run = await store.createRun(makeRunInput());
    await store.updateRun(run.runId, { status: 'running' });
    await store.updateRun(run.runId, {
      status: 'failed',
      error: { code: 'PhaseFailed', message: 'deploy exited 1' },
    });

    const resumed = await store.updateRun(run.runId, { status: 'running', error: null });

    expect(resumed.status).toBe('running');
    expect(resumed.error).toBeUndefined();
  });

  it('rejects a write with an older fence', async () => {
    const run = await store.createRun(makeRunInput());
    await store.updateRun(run.runId, { status: 'running' }, { fence: 5 });

    const stale = store.updateRun(run.runId, { status: 'failed' }, { fence: 4 });

    await expect(stale).rejects.toMatchObject({ code: 'StaleFence' });
    expect((await store.getRun(run.runId))?.status).toBe('running');
  });

  it('reports a missing run as not found', async () => {
    await expect(store.updateRun('run-nowhere', { status: 'running' })).rejects.toMatchObject({
      code: 'NotFound',
    });
  });
});

describe('listRuns', () => {
  it('lists newest first', async () => {
    const environment = makeEnvironment();
    for (const minute of ['01', '03', '02']) {
      await store.createRun(
        makeRunInput({
          environment,
          runId: `run-${minute}`,
          createdAt: `2026-01-31T12:${minute}:00.000Z`,
        }),
      );
    }

    const runs = await store.listRuns(environment, 10);

    expect(runs.map((run) => run.runId)).toEqual(['run-03', 'run-02', 'run-01']);
  });

  it('stops at the limit', async () => {
    const environment = makeEnvironment();
    for (const index of [1, 2, 3]) {
      await store.createRun(
        makeRunInput({ environment, runId: `run-limit-${environment}-${index}` }),
      );
    }

    expect(await store.listRuns(environment, 2)).toHaveLength(2);
  });
});

describe('latestRun', () => {
  it('returns undefined for an environment without runs', async () => {
    expect(await store.latestRun(makeEnvironment())).toBeUndefined();
  });
});

describe('findUnfinishedRun', () => {
  it('returns the newest run when it has not succeeded', async () => {
    const environment = makeEnvironment();
    const run = await store.createRun(makeRunInput({ environment }));
    await store.updateRun(run.runId, { status: 'running' });
    await store.updateRun(run.runId, { status: 'interrupted' });

    expect((await store.findUnfinishedRun(environment))?.runId).toBe(run.runId);
  });

  it('returns undefined after a success', async () => {
    const environment = makeEnvironment();
    const run = await store.createRun(makeRunInput({ environment }));
    await store.updateRun(run.runId, { status: 'running' });
    await store.updateRun(run.runId, { status: 'succeeded' });

    expect(await store.findUnfinishedRun(environment)).toBeUndefined();
  });
});

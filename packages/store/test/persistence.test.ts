import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStore } from './fixtures.js';

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'perfplane-persist-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('dynalite with a path', () => {
  it('keeps runs, phases and the lock fence across a restart', async () => {
    const dataPath = path.join(folder, 'dynamo');
    const first = await startStore(dataPath);
    const run = await first.store.createRun({ environment: 'dev', phases: ['01-prerequisites'] });
    const grant = await first.store.acquireLock({
      environment: 'dev',
      owner: run.runId,
      leaseMs: 60_000,
    });
    await first.store.updatePhaseState(
      'dev',
      '01-prerequisites',
      { status: 'completed' },
      grant.fence,
    );
    await first.store.releaseLock('dev', run.runId, grant.fence);
    await first.dynamo.close();

    const second = await startStore(dataPath);
    try {
      expect((await second.store.getRun(run.runId))?.environment).toBe('dev');
      expect((await second.store.getPhaseState('dev', '01-prerequisites')).status).toBe(
        'completed',
      );
      const next = await second.store.acquireLock({
        environment: 'dev',
        owner: 'run-b',
        leaseMs: 60_000,
      });
      expect(next.fence).toBe(grant.fence + 1);
    } finally {
      await second.dynamo.close();
    }
  });
});

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, type Store } from '../src/index.js';
import { dynaliteClient, type LocalServer } from '../src/testing.js';
import { makeEnvironment, makeRunInput, startStore, storeFor, TABLE } from './fixtures.js';

const LEASE_MS = 60_000;
const T0 = new Date('2026-01-31T12:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

let dynamo: LocalServer;
let store: Store;

beforeAll(async () => {
  ({ dynamo, store } = await startStore());
});

afterAll(async () => {
  await dynamo.close();
});

describe('acquireLock', () => {
  it('grants fence 1 on a new environment', async () => {
    const environment = makeEnvironment();

    const grant = await store.acquireLock({
      environment,
      owner: 'run-a',
      leaseMs: LEASE_MS,
      now: T0,
    });

    expect(grant.fence).toBe(1);
    expect(grant.expiresAt).toBe('2026-01-31T12:01:00.000Z');
    expect(grant.reclaimed).toBeUndefined();
  });

  it('rejects a second owner with LockHeld', async () => {
    const environment = makeEnvironment();
    await store.acquireLock({ environment, owner: 'run-a', leaseMs: LEASE_MS, now: T0 });

    const second = store.acquireLock({
      environment,
      owner: 'run-b',
      leaseMs: LEASE_MS,
      now: later(1_000),
    });

    await expect(second).rejects.toMatchObject({ code: 'LockHeld' });
  });

  it('names the holder and since when in LockHeld', async () => {
    const environment = makeEnvironment();
    await store.acquireLock({ environment, owner: 'run-holder', leaseMs: LEASE_MS, now: T0 });

    const error = await store
      .acquireLock({ environment, owner: 'run-b', leaseMs: LEASE_MS, now: later(1_000) })
      .catch((caught: unknown) => caught);

    expect(String((error as Error).message)).toContain('locked by run run-holder');
    expect(String((error as Error).message)).toContain('since 2026-01-31T12:00:00.000Z');
  });

  it('reclaims an expired lease with a higher fence', async () => {
    const environment = makeEnvironment();
    const first = await store.acquireLock({
      environment,
      owner: 'run-a',
      leaseMs: LEASE_MS,
      now: T0,
    });

    const second = await store.acquireLock({
      environment,
      owner: 'run-b',
      leaseMs: LEASE_MS,
      now: later(LEASE_MS + 1),
    });

    expect(second.fence).toBe(first.fence + 1);
    expect(second.reclaimed).toEqual({ owner: 'run-a', reason: 'expired' });
  });

  it('reclaims the lease of a run that ended', async () => {
    const environment = makeEnvironment();
    const holder = await store.createRun(makeRunInput({ environment }));
    await store.acquireLock({ environment, owner: holder.runId, leaseMs: LEASE_MS, now: T0 });
    await store.updateRun(holder.runId, { status: 'running' });
    await store.updateRun(holder.runId, { status: 'failed' });

    const grant = await store.acquireLock({
      environment,
      owner: 'run-next',
      leaseMs: LEASE_MS,
      now: later(1_000),
    });

    expect(grant.fence).toBe(2);
    expect(grant.reclaimed).toEqual({ owner: holder.runId, reason: 'owner-ended' });
  });

  it('asks the callback about a holder the store shows running', async () => {
    const environment = makeEnvironment();
    await store.acquireLock({ environment, owner: 'run-aborted', leaseMs: LEASE_MS, now: T0 });
    const asked: string[] = [];

    const grant = await store.acquireLock({
      environment,
      owner: 'run-next',
      leaseMs: LEASE_MS,
      now: later(1_000),
      ownerEnded: async (runId) => {
        asked.push(runId);
        return true;
      },
    });

    expect(asked).toEqual(['run-aborted']);
    expect(grant.reclaimed?.reason).toBe('owner-ended');
  });

  it('keeps the lease when the callback says the holder runs', async () => {
    const environment = makeEnvironment();
    await store.acquireLock({ environment, owner: 'run-alive', leaseMs: LEASE_MS, now: T0 });

    const attempt = store.acquireLock({
      environment,
      owner: 'run-next',
      leaseMs: LEASE_MS,
      now: later(1_000),
      ownerEnded: async () => false,
    });

    await expect(attempt).rejects.toMatchObject({ code: 'LockHeld' });
  });

  it('lets exactly one of 20 concurrent acquirers win', async () => {
    const environment = makeEnvironment();
    const stores = Array.from({ length: 20 }, () => storeFor(dynamo.endpoint));

    const results = await Promise.allSettled(
      stores.map((contender, index) =>
        contender.acquireLock({ environment, owner: `run-${index}`, leaseMs: LEASE_MS }),
      ),
    );

    const winners = results.filter((result) => result.status === 'fulfilled');
    const losers = results.filter((result) => result.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers.every((result) => result.reason.code === 'LockHeld')).toBe(true);
    expect((await store.getLock(environment))?.fence).toBe(1);
  });

  it('starts above fences already on phase states', async () => {
    const environment = makeEnvironment();
    await store.updatePhaseState(environment, '01-prerequisites', { status: 'completed' }, 7);

    const grant = await store.acquireLock({ environment, owner: 'run-a', leaseMs: LEASE_MS });

    expect(grant.fence).toBe(8);
  });
});

describe('renewLock', () => {
  it('extends the lease', async () => {
    const environment = makeEnvironment();
    const grant = await store.acquireLock({
      environment,
      owner: 'run-a',
      leaseMs: LEASE_MS,
      now: T0,
    });

    const renewed = await store.renewLock({
      environment,
      owner: 'run-a',
      fence: grant.fence,
      leaseMs: LEASE_MS,
      now: later(30_000),
    });

    expect(renewed.expiresAt).toBe('2026-01-31T12:01:30.000Z');
    expect((await store.getLock(environment))?.expiresAt).toBe('2026-01-31T12:01:30.000Z');
  });

  it('rejects a holder whose lease was reclaimed', async () => {
    const environment = makeEnvironment();
    const first = await store.acquireLock({
      environment,
      owner: 'run-a',
      leaseMs: LEASE_MS,
      now: T0,
    });
    await store.acquireLock({
      environment,
      owner: 'run-b',
      leaseMs: LEASE_MS,
      now: later(LEASE_MS + 1),
    });

    const renew = store.renewLock({
      environment,
      owner: 'run-a',
      fence: first.fence,
      leaseMs: LEASE_MS,
    });

    await expect(renew).rejects.toMatchObject({
      code: 'StaleFence',
      message: expect.stringContaining('run run-b holds it with fence 2'),
    });
  });
});

describe('releaseLock', () => {
  it('frees the lock and keeps the fence', async () => {
    const environment = makeEnvironment();
    const grant = await store.acquireLock({ environment, owner: 'run-a', leaseMs: LEASE_MS });

    await store.releaseLock(environment, 'run-a', grant.fence);
    const lock = await store.getLock(environment);

    expect(lock?.owner).toBeUndefined();
    expect(lock?.fence).toBe(1);
    expect(lock?.releasedAt).toBeDefined();
  });

  it('lets the next owner in with a higher fence', async () => {
    const environment = makeEnvironment();
    const first = await store.acquireLock({ environment, owner: 'run-a', leaseMs: LEASE_MS });
    await store.releaseLock(environment, 'run-a', first.fence);

    const second = await store.acquireLock({ environment, owner: 'run-b', leaseMs: LEASE_MS });

    expect(second.fence).toBe(2);
    expect(second.reclaimed).toBeUndefined();
  });

  it('does nothing when released twice', async () => {
    const environment = makeEnvironment();
    const grant = await store.acquireLock({ environment, owner: 'run-a', leaseMs: LEASE_MS });
    await store.releaseLock(environment, 'run-a', grant.fence);

    await expect(store.releaseLock(environment, 'run-a', grant.fence)).resolves.toBeUndefined();
  });

  it('rejects a release by a stale holder', async () => {
    const environment = makeEnvironment();
    const first = await store.acquireLock({
      environment,
      owner: 'run-a',
      leaseMs: LEASE_MS,
      now: T0,
    });
    await store.acquireLock({
      environment,
      owner: 'run-b',
      leaseMs: LEASE_MS,
      now: later(LEASE_MS + 1),
    });

    const release = store.releaseLock(environment, 'run-a', first.fence);

    await expect(release).rejects.toMatchObject({ code: 'StaleFence' });
    expect((await store.getLock(environment))?.owner).toBe('run-b');
  });
});

describe('getLock', () => {
  it('returns undefined before the first acquire', async () => {
    expect(await store.getLock(makeEnvironment())).toBeUndefined();
  });

  it('stores the TTL attribute in epoch seconds', async () => {
    const environment = makeEnvironment();
    await store.acquireLock({ environment, owner: 'run-a', leaseMs: LEASE_MS, now: T0 });
    const doc = createDocumentClient(dynaliteClient(dynamo.endpoint));

    const { Item } = await doc.send(
      new GetCommand({ TableName: TABLE, Key: { pk: `ENV#${environment}`, sk: 'LOCK' } }),
    );

    expect(Item?.expiresAtEpoch).toBe(T0.getTime() / 1000 + 60);
  });

  it('hides the TTL attribute', async () => {
    const environment = makeEnvironment();
    await store.acquireLock({ environment, owner: 'run-a', leaseMs: LEASE_MS });

    expect(Object.keys((await store.getLock(environment)) ?? {})).not.toContain('expiresAtEpoch');
  });
});

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, EVENT_TYPES, type Store } from '../src/index.js';
import { dynaliteClient, type LocalServer } from '../src/testing.js';
import { makeEnvironment, startStore, storeFor, TABLE } from './fixtures.js';

let dynamo: LocalServer;
let store: Store;

beforeAll(async () => {
  ({ dynamo, store } = await startStore());
});

afterAll(async () => {
  await dynamo.close();
});

describe('appendEvent', () => {
  it('keeps events in append order within one millisecond', async () => {
    const at = '2026-01-31T12:00:00.000Z';
    for (const step of ['first', 'second', 'third']) {
      await store.appendEvent('run-order', { type: 'phase-progress', message: step, at });
    }

    const events = await store.listEvents('run-order');

    expect(events.map((event) => event.message)).toEqual(['first', 'second', 'third']);
  });

  it('keeps concurrent appends at one time', async () => {
    const at = '2026-01-31T12:00:00.000Z';
    const writers = Array.from({ length: 20 }, () => storeFor(dynamo.endpoint));

    await Promise.all(
      writers.map((writer, index) =>
        writer.appendEvent('run-parallel', { type: 'phase-progress', message: `w${index}`, at }),
      ),
    );
    const events = await store.listEvents('run-parallel');

    expect(new Set(events.map((event) => event.message)).size).toBe(20);
  });

  it('orders events by time', async () => {
    await store.appendEvent('run-time', {
      type: 'phase-completed',
      message: 'later',
      at: '2026-01-31T12:00:02.000Z',
    });
    await store.appendEvent('run-time', {
      type: 'phase-started',
      message: 'earlier',
      at: '2026-01-31T12:00:01.000Z',
    });

    const events = await store.listEvents('run-time');

    expect(events.map((event) => event.message)).toEqual(['earlier', 'later']);
  });

  it('stores phase and data', async () => {
    const stored = await store.appendEvent('run-data', {
      type: 'phase-output',
      phase: '02-infrastructure',
      message: 'recorded vpc_id',
      data: { key: 'vpc_id', value: 'vpc-1' },
    });

    const [event] = await store.listEvents('run-data');

    expect(event).toEqual(stored);
    expect(event?.data).toEqual({ key: 'vpc_id', value: 'vpc-1' });
  });

  it('never overwrites a stored event', async () => {
    const stored = await store.appendEvent('run-immutable', {
      type: 'run-created',
      message: 'original',
    });
    const doc = createDocumentClient(dynaliteClient(dynamo.endpoint));

    const overwrite = doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: { pk: 'RUN#run-immutable', sk: stored.id, message: 'forged' },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );

    await expect(overwrite).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect((await store.listEvents('run-immutable'))[0]?.message).toBe('original');
  });

  it('rejects an unknown event type', async () => {
    const append = store.appendEvent('run-x', { type: 'made-up' as never, message: 'x' });

    await expect(append).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  it('rejects an empty message', async () => {
    const append = store.appendEvent('run-x', { type: 'run-created', message: '' });

    await expect(append).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});

describe('listEvents', () => {
  it('returns nothing for a run without events', async () => {
    expect(await store.listEvents('run-quiet')).toEqual([]);
  });

  it('reads past the first page', async () => {
    // 50 events of about 30 KB each exceed one 1 MB query page.
    const padding = 'x'.repeat(30_000);
    for (let index = 0; index < 50; index++) {
      await store.appendEvent('run-many', {
        type: 'phase-progress',
        message: `step ${index}`,
        data: { padding },
      });
    }

    const events = await store.listEvents('run-many');

    expect(events).toHaveLength(50);
    expect(events[49]?.message).toBe('step 49');
  });
});

describe('EVENT_TYPES', () => {
  it('has no duplicates', () => {
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
  });
});

describe('recordDuration', () => {
  it('lists durations newest first', async () => {
    const environment = makeEnvironment();
    await store.recordDuration(environment, '02-infrastructure', 7200, '2026-01-01T10:00:00.000Z');
    await store.recordDuration(environment, '02-infrastructure', 9000, '2026-01-03T10:00:00.000Z');
    await store.recordDuration(environment, '02-infrastructure', 8000, '2026-01-02T10:00:00.000Z');
    await store.recordDuration(environment, '03-kubernetes', 3600, '2026-01-02T11:00:00.000Z');

    const durations = await store.listDurations(environment, '02-infrastructure', 2);

    expect(durations.map((record) => record.seconds)).toEqual([9000, 8000]);
  });

  it('accepts the same record twice', async () => {
    const environment = makeEnvironment();
    await store.recordDuration(environment, '01-prerequisites', 60, '2026-01-01T10:00:00.000Z');

    await store.recordDuration(environment, '01-prerequisites', 60, '2026-01-01T10:00:00.000Z');

    expect(await store.listDurations(environment, '01-prerequisites')).toHaveLength(1);
  });

  it('rejects a different value for a recorded end time', async () => {
    const environment = makeEnvironment();
    await store.recordDuration(environment, '01-prerequisites', 60, '2026-01-01T10:00:00.000Z');

    const second = store.recordDuration(
      environment,
      '01-prerequisites',
      90,
      '2026-01-01T10:00:00.000Z',
    );

    await expect(second).rejects.toMatchObject({ code: 'Conflict' });
  });

  it('rejects negative seconds', async () => {
    const record = store.recordDuration(
      makeEnvironment(),
      '01-prerequisites',
      -1,
      '2026-01-01T10:00:00.000Z',
    );

    await expect(record).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});

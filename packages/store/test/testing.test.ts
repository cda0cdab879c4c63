import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Artifacts } from '../src/index.js';
import { dynaliteClient, s3rverClient, startDynalite, startS3rver } from '../src/testing.js';

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'perfplane-testing-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('startDynalite', () => {
  it('listens on 127.0.0.1 and creates the table', async () => {
    const dynamo = await startDynalite({ tableName: 'state' });
    const client = dynaliteClient(dynamo.endpoint);
    try {
      expect(dynamo.endpoint).toBe(`http://127.0.0.1:${dynamo.port}`);
      const tables = await client.send(new ListTablesCommand({}));
      expect(tables.TableNames).toEqual(['state']);
    } finally {
      client.destroy();
      await dynamo.close();
    }
  });

  it('closes twice without error', async () => {
    const dynamo = await startDynalite();

    await dynamo.close();

    await expect(dynamo.close()).resolves.toBeUndefined();
  });

  it('closes while a client keeps a connection open', async () => {
    const dynamo = await startDynalite();
    const client = dynaliteClient(dynamo.endpoint);
    await client.send(new ListTablesCommand({}));

    await expect(dynamo.close()).resolves.toBeUndefined();
    client.destroy();
  });

  it('rejects a data folder in use', async () => {
    const dataPath = path.join(folder, 'busy');
    const first = await startDynalite({ path: dataPath, tableName: 'state' });
    try {
      await expect(startDynalite({ path: dataPath })).rejects.toMatchObject({
        code: 'Conflict',
        message: expect.stringContaining('in use by another process'),
      });
    } finally {
      await first.close();
    }
  });

  it('starts two servers on different ports', async () => {
    const [first, second] = await Promise.all([startDynalite(), startDynalite()]);

    expect(first.port).not.toBe(second.port);
    await Promise.all([first.close(), second.close()]);
  });
});

describe('startS3rver', () => {
  it('creates the listed buckets and keeps objects across a restart', async () => {
    const directory = path.join(folder, 's3');
    const first = await startS3rver({ directory, buckets: ['kept'] });
    const firstClient = s3rverClient(first.endpoint);
    await new Artifacts({ client: firstClient, bucket: 'kept' }).putObject('a/b.txt', 'hello');
    firstClient.destroy();
    await first.close();

    const second = await startS3rver({ directory, buckets: ['kept'] });
    const secondClient = s3rverClient(second.endpoint);
    try {
      const artifacts = new Artifacts({ client: secondClient, bucket: 'kept' });
      expect(await artifacts.getObjectText('a/b.txt')).toBe('hello');
    } finally {
      secondClient.destroy();
      await second.close();
    }
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, tableDefinition } from '../src/index.js';
import { dynaliteClient, type LocalServer, startDynalite } from '../src/testing.js';

describe('tableDefinition', () => {
  it('keys the table on pk and sk', () => {
    const definition = tableDefinition('t');
    expect(definition.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
  });

  it('declares gsi1 on gsi1pk and gsi1sk', () => {
    const [index] = tableDefinition('t').GlobalSecondaryIndexes ?? [];
    expect(index?.IndexName).toBe('gsi1');
    expect(index?.KeySchema?.map((key) => key.AttributeName)).toEqual(['gsi1pk', 'gsi1sk']);
  });
});

describe('ensureTable', () => {
  let dynamo: LocalServer;
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'perfplane-table-'));
    dynamo = await startDynalite({ path: path.join(folder, 'dynamo') });
  });

  afterAll(async () => {
    await dynamo.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('creates the table once and tolerates repeats', async () => {
    const client = dynaliteClient(dynamo.endpoint);
    await Promise.all([ensureTable(client, 'state'), ensureTable(client, 'state')]);
    await ensureTable(client, 'state');

    const output = await client.send(new DescribeTableCommand({ TableName: 'state' }));
    expect(output.Table?.TableStatus).toBe('ACTIVE');
    expect(output.Table?.GlobalSecondaryIndexes?.[0]?.IndexName).toBe('gsi1');
    client.destroy();
  });
});

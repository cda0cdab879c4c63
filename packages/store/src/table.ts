import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { PerfplaneError } from '@perfplane/core';

/** Name of the one global secondary index: runs of an environment by creation time. */
export const GSI1 = 'gsi1';

/**
 * Attribute that carries a lock's expiry in epoch seconds. On AWS it can be the
 * table's TTL attribute. dynalite has no TTL, so the store checks expiry in
 * code.
 */
export const TTL_ATTRIBUTE = 'expiresAtEpoch';

/**
 * Key attributes and indexes of the state table, in the shape SST's
 * `sst.aws.Dynamo` takes (`fields`, `primaryIndex`, `globalIndexes`, `ttl`),
 * so the deployed table and the embedded one come from one description.
 */
export const TABLE_LAYOUT = {
  fields: { pk: 'string', sk: 'string', gsi1pk: 'string', gsi1sk: 'string' },
  primaryIndex: { hashKey: 'pk', rangeKey: 'sk' },
  globalIndexes: { [GSI1]: { hashKey: 'gsi1pk', rangeKey: 'gsi1sk' } },
  ttl: TTL_ATTRIBUTE,
} as const;

/**
 * Returns the CreateTable input of the state table: string keys `pk` and `sk`
 * and the index `gsi1` on `gsi1pk`/`gsi1sk`, billed on demand. The embedded
 * runtime creates the table from it. TTL is switched on separately on AWS,
 * because CreateTable cannot set it.
 */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const { fields, primaryIndex, globalIndexes } = TABLE_LAYOUT;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: Object.keys(fields).map((name) => ({
      AttributeName: name,
      AttributeType: 'S',
    })),
    KeySchema: [
      { AttributeName: primaryIndex.hashKey, KeyType: 'HASH' },
      { AttributeName: primaryIndex.rangeKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: Object.entries(globalIndexes).map(([indexName, index]) => ({
      IndexName: indexName,
      KeySchema: [
        { AttributeName: index.hashKey, KeyType: 'HASH' },
        { AttributeName: index.rangeKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}

export interface EnsureTableOptions {
  /** How long to wait for the table to become ACTIVE, in milliseconds. Default 30 000. */
  timeoutMs?: number;
}

/**
 * Creates the state table unless it exists, then waits until it is ACTIVE.
 * Safe to call on every start and from several processes at once.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: EnsureTableOptions = {},
): Promise<void> {
  const status = await describeTableStatus(client, tableName);
  if (status === undefined) {
    await createTable(client, tableName);
  }
  await waitUntilActive(client, tableName, options.timeoutMs ?? 30_000);
}

async function describeTableStatus(
  client: DynamoDBClient,
  tableName: string,
): Promise<string | undefined> {
  try {
    const output = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return output.Table?.TableStatus;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      return undefined;
    }
    throw error;
  }
}

async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
  } catch (error) {
    // Another process created it between our describe and create.
    if (!(error instanceof ResourceInUseException)) {
      throw error;
    }
  }
}

// The SDK's waiter polls every 20 s at first, far too slow for dynalite,
// which makes a table ACTIVE within its createTableMs.
async function waitUntilActive(
  client: DynamoDBClient,
  tableName: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delayMs = 50;
  for (;;) {
    const status = await describeTableStatus(client, tableName);
    if (status === 'ACTIVE') {
      return;
    }
    if (Date.now() + delayMs > deadline) {
      throw new PerfplaneError(
        'Internal',
        `table ${tableName} is not ACTIVE after ${timeoutMs} ms (status ${status ?? 'missing'}); check the DynamoDB endpoint and retry`,
        { details: { tableName, status } },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 1_000);
  }
}

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
 * Attribute that carries a lock's expiry in epoch seconds. On AWS it is the
 * table's TTL attribute; dynalite has no TTL, so the store also checks expiry
 * in code.
 */
export const TTL_ATTRIBUTE = 'expiresAtEpoch';

/**
 * Returns the CreateTable input of the state table: string keys `pk` and `sk`
 * and the index `gsi1` on `gsi1pk`/`gsi1sk`, billed on demand. The embedded
 * runtime creates the table from it and the SST config mirrors it.
 */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: GSI1,
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
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

/**
 * Measures the state store against an in-memory dynalite on 127.0.0.1:
 * sequential conditional puts a second, and acquire/release cycles a second
 * of the environment lock (each cycle is a read, a conditional update, a
 * conditional update to release).
 *
 *   npx tsx packages/store/bench/lock-throughput.ts [--puts 2000] [--cycles 500]
 */
import { parseArgs } from 'node:util';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, Store } from '../src/index.js';
import { dynaliteClient, startDynalite } from '../src/testing.js';

const TABLE = 'perfplane-bench';
const MAX_COUNT = 100_000;

const { values } = parseArgs({
  options: {
    puts: { type: 'string', default: '2000' },
    cycles: { type: 'string', default: '500' },
  },
});
const puts = parseCount('--puts', values.puts);
const cycles = parseCount('--cycles', values.cycles);

const dynamo = await startDynalite({ tableName: TABLE });
const client = dynaliteClient(dynamo.endpoint);
try {
  const putRate = await measureConditionalPuts(puts);
  const cycleRate = await measureLockCycles(cycles);
  console.log(`conditional puts:       ${putRate.toFixed(0)}/s (${puts} sequential)`);
  console.log(`acquire/release cycles: ${cycleRate.toFixed(0)}/s (${cycles} sequential)`);
} finally {
  client.destroy();
  await dynamo.close();
}

async function measureConditionalPuts(count: number): Promise<number> {
  const doc = createDocumentClient(client);
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    await doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: { pk: 'RUN#bench', sk: `EVENT#${String(index).padStart(8, '0')}`, message: 'x' },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }
  return count / ((performance.now() - started) / 1000);
}

async function measureLockCycles(count: number): Promise<number> {
  const store = new Store({ client, tableName: TABLE });
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    const owner = `run-${index}`;
    const grant = await store.acquireLock({ environment: 'bench', owner, leaseMs: 60_000 });
    await store.releaseLock('bench', owner, grant.fence);
  }
  return count / ((performance.now() - started) / 1000);
}

function parseCount(flag: string, value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    console.error(`invalid ${flag} ${value}: expected a whole number from 1 to ${MAX_COUNT}`);
    process.exit(2);
  }
  return count;
}

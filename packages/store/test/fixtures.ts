import { randomBytes } from 'node:crypto';
import type { CreateRunInput } from '../src/index.js';
import { Store } from '../src/index.js';
import { dynaliteClient, type LocalServer, startDynalite } from '../src/testing.js';

export const TABLE = 'perfplane-test';

/** Starts dynalite with the state table and a Store on it. Close it in afterAll. */
export async function startStore(path?: string): Promise<{ dynamo: LocalServer; store: Store }> {
  const dynamo = await startDynalite({ tableName: TABLE, path });
  return { dynamo, store: storeFor(dynamo.endpoint) };
}

export function storeFor(endpoint: string): Store {
  return new Store({ client: dynaliteClient(endpoint), tableName: TABLE });
}

/** Returns a fresh environment name, so tests sharing one table do not see each other. */
export function makeEnvironment(): string {
  return `env-${randomBytes(4).toString('hex')}`;
}

export function makeRunInput(overrides: Partial<CreateRunInput> = {}): CreateRunInput {
  return {
    environment: 'dev',
    phases: ['01-prerequisites', '02-infrastructure'],
    ...overrides,
  };
}

/**
 * Local stand-ins for DynamoDB and S3, for tests and for the embedded runtime.
 *
 * Both servers listen on 127.0.0.1 on a port the OS picks, and each returns
 * its endpoint and an idempotent `close`. Always close them (in `afterAll` or
 * a `finally`), because an open server keeps the process alive.
 *
 * @example
 * const dynamo = await startDynalite({ tableName: 'perfplane' });
 * const store = new Store({ client: dynaliteClient(dynamo.endpoint), tableName: 'perfplane' });
 * // ...
 * await dynamo.close();
 */
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { PerfplaneError } from '@perfplane/core';
import { ClassicLevel } from 'classic-level';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { createDynamoClient, createS3Client, type StaticCredentials } from './clients.js';
import { ensureTable } from './table.js';

const LOCALHOST = '127.0.0.1';
const LOCAL_REGION = 'us-east-1';

/** Credentials for dynalite, which checks none, but the SDK needs some to sign requests. */
export const DYNALITE_CREDENTIALS: StaticCredentials = {
  accessKeyId: 'local',
  secretAccessKey: 'local',
};

/** The only credentials s3rver 3.7 accepts. */
export const S3RVER_CREDENTIALS: StaticCredentials = {
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
};

/** A running local server. */
export interface LocalServer {
  /** Base URL, such as `http://127.0.0.1:41234`. */
  endpoint: string;
  port: number;
  /** Stops the server. Later calls return the same promise. */
  close(): Promise<void>;
}

export interface StartDynaliteOptions {
  /** LevelDB folder that keeps the data across restarts. Data stays in memory when it is absent. */
  path?: string;
  /** Creates this table (see `tableDefinition`) before returning, unless it exists. */
  tableName?: string;
}

/**
 * Starts dynalite on 127.0.0.1 and a random port. Tables become ACTIVE at
 * once rather than after dynalite's default 500 ms.
 */
export async function startDynalite(options: StartDynaliteOptions = {}): Promise<LocalServer> {
  if (options.path !== undefined) {
    await mkdir(options.path, { recursive: true });
    await assertFolderFree(options.path);
  }
  const server = dynalite({
    path: options.path,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const port = await listen(server);
  const local: LocalServer = {
    endpoint: `http://${LOCALHOST}:${port}`,
    port,
    close: once(() => closeHttpServer(server)),
  };

  if (options.tableName !== undefined) {
    const client = dynaliteClient(local.endpoint);
    try {
      await ensureTable(client, options.tableName);
    } catch (error) {
      await local.close();
      throw error;
    } finally {
      client.destroy();
    }
  }
  return local;
}

export interface StartS3rverOptions {
  /** Folder that contains the buckets and objects, created if missing. */
  directory: string;
  /** Buckets to create at start. Existing buckets and their objects are kept. */
  buckets?: string[];
}

/** Starts s3rver on 127.0.0.1 and a random port, storing objects under `directory`. */
export async function startS3rver(options: StartS3rverOptions): Promise<LocalServer> {
  await mkdir(options.directory, { recursive: true });
  const server = new S3rver({
    address: LOCALHOST,
    port: 0,
    silent: true,
    directory: options.directory,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name, configs: [] })),
  });
  const address = await server.run();
  return {
    endpoint: `http://${LOCALHOST}:${address.port}`,
    port: address.port,
    close: once(() => server.close()),
  };
}

/** DynamoDB client for a dynalite endpoint, with local credentials and region. */
export function dynaliteClient(endpoint: string): DynamoDBClient {
  return createDynamoClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: DYNALITE_CREDENTIALS,
  });
}

/** S3 client for an s3rver endpoint: its fixed credentials, path-style, checksums only where required. */
export function s3rverClient(endpoint: string): S3Client {
  return createS3Client({ endpoint, region: LOCAL_REGION, credentials: S3RVER_CREDENTIALS });
}

/**
 * Opens and closes the LevelDB folder once, so a folder that another process
 * has open fails here with a clear error. dynalite itself would start and then
 * crash the process with an unhandled error on the first request.
 */
async function assertFolderFree(folder: string): Promise<void> {
  const probe = new ClassicLevel(folder);
  try {
    await probe.open();
  } catch (error) {
    const locked = (error as { cause?: { code?: string } }).cause?.code === 'LEVEL_LOCKED';
    throw new PerfplaneError(
      locked ? 'Conflict' : 'Internal',
      locked
        ? `dynalite data folder ${folder} is in use by another process: stop that process or pass another path`
        : `cannot open dynalite data folder ${folder}: ${(error as Error).message}`,
      { cause: error, details: { folder } },
    );
  }
  await probe.close();
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOCALHOST, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeHttpServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive sockets of SDK clients would hold the close open until they time out.
    server.closeIdleConnections();
  });
}

function once(action: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => {
    pending ??= action();
    return pending;
  };
}

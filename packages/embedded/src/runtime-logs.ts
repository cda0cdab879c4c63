import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LogFile } from '@perfplane/control';
import type { Environment } from '@perfplane/core';

/** Bytes read from the end of each runtime log; the support bundle caps it again. */
const TAIL_BYTES = 2 * 1024 * 1024;
/** Folder depth searched under $PERFPLANE_HOME for k6.log files. */
const K6_SEARCH_DEPTH = 4;
/** Maximum number of k6 logs included. */
const MAX_K6_LOGS = 20;

/** Reads up to the last `TAIL_BYTES` of a file with its mtime; undefined when it does not exist. */
export async function readLogTail(file: string, name: string): Promise<LogFile | undefined> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    return undefined;
  }
  const handle = await open(file, 'r');
  try {
    const length = Math.min(info.size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, info.size - length);
    const prefix = info.size > length ? `[truncated to the last ${length} bytes]\n` : '';
    return { name, text: prefix + buffer.toString('utf8'), modifiedAt: info.mtime };
  } finally {
    await handle.close();
  }
}

async function findK6Logs(folder: string, depth: number, found: string[]): Promise<void> {
  if (depth < 0 || found.length >= MAX_K6_LOGS) {
    return;
  }
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      await findK6Logs(full, depth - 1, found);
    } else if (entry.isFile() && entry.name === 'k6.log' && found.length < MAX_K6_LOGS) {
      found.push(full);
    }
  }
}

/**
 * Reads the runtime logs for the support bundle: service.log, and for a
 * rehearsal environment the simulator log and the k6.log files under
 * $PERFPLANE_HOME (at most `MAX_K6_LOGS`, searched `K6_SEARCH_DEPTH` deep).
 */
export async function readRuntimeLogs(home: string, env: Environment): Promise<LogFile[]> {
  const files: [string, string][] = [[path.join(home, 'service.log'), 'service.log']];
  if (env.platform === 'rehearsal') {
    files.push([path.join(home, 'simulator', 'simulator.log'), 'simulator/simulator.log']);
    const k6Logs: string[] = [];
    for (const top of await readdir(home).catch(() => [] as string[])) {
      // Skip the stores and build logs, which are large and bundled elsewhere.
      if (!['dynamo', 's3', 'logs', 'bundles', 'builds'].includes(top)) {
        await findK6Logs(path.join(home, top), K6_SEARCH_DEPTH, k6Logs);
      }
    }
    for (const file of k6Logs) {
      files.push([file, `k6/${path.relative(home, file)}`]);
    }
  }
  const logs: LogFile[] = [];
  for (const [file, name] of files) {
    const log = await readLogTail(file, name);
    if (log) {
      logs.push(log);
    }
  }
  return logs;
}

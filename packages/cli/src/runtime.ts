import { spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { PerfplaneError } from '@perfplane/core';
import { ApiClient } from './client.js';

/** Maximum wait for a freshly started embedded service, in milliseconds. */
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

const SERVICE_MAIN = fileURLToPath(new URL('../../embedded/src/main.ts', import.meta.url));

export interface RuntimeInfo {
  port: number;
  pid: number;
  startedAt?: string;
}

/**
 * Finds the repository root: $PERFPLANE_ROOT, else the nearest folder
 * upwards from the working directory that has an environments/ folder.
 */
export function findRoot(start = process.cwd()): string {
  if (process.env.PERFPLANE_ROOT) {
    return path.resolve(process.env.PERFPLANE_ROOT);
  }
  let current = path.resolve(start);
  for (let depth = 0; depth < 50; depth += 1) {
    if (existsSync(path.join(current, 'environments'))) {
      return current;
    }
    const parent = path.dirname(current);
    if (parent === current) {
      break;
    }
    current = parent;
  }
  throw new PerfplaneError(
    'InvalidArgument',
    `no environments/ folder found above ${start}; run perfplane inside the repository or set PERFPLANE_ROOT`,
  );
}

export function homeOf(root: string): string {
  return path.resolve(process.env.PERFPLANE_HOME ?? path.join(root, '.perfplane'));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Returns the running service from runtime.json when its process is alive. */
export async function readRuntime(home: string): Promise<RuntimeInfo | undefined> {
  const info = await readJson<RuntimeInfo>(path.join(home, 'runtime.json'));
  if (!info || !alive(info.pid)) {
    return undefined;
  }
  return info;
}

async function readToken(home: string): Promise<string> {
  return (await readFile(path.join(home, 'token'), 'utf8')).trim();
}

async function clientFor(home: string, info: RuntimeInfo): Promise<ApiClient> {
  return new ApiClient(`http://127.0.0.1:${info.port}`, await readToken(home));
}

/** Starts the embedded service detached, unless one is running, and returns a client for it. */
export async function ensureRuntime(root: string): Promise<ApiClient> {
  const home = homeOf(root);
  const running = await readRuntime(home);
  if (running) {
    return clientFor(home, running);
  }
  await mkdir(home, { recursive: true });
  const log = openSync(path.join(home, 'service.log'), 'a');
  const args = [
    '--import',
    import.meta.resolve('tsx'),
    SERVICE_MAIN,
    '--root',
    root,
    '--home',
    home,
  ];
  if (process.env.PERFPLANE_BUILDSPEC_DIR) {
    args.push('--buildspec-dir', process.env.PERFPLANE_BUILDSPEC_DIR);
  }
  if (process.env.PERFPLANE_STATEMACHINE_DIR) {
    args.push('--statemachine-dir', process.env.PERFPLANE_STATEMACHINE_DIR);
  }
  const child = spawn(process.execPath, args, {
    cwd: root,
    detached: true,
    stdio: ['ignore', log, log],
  });
  child.unref();
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const info = await readRuntime(home);
    if (info && info.pid === child.pid) {
      return clientFor(home, info);
    }
    if (child.exitCode !== null || (child.pid !== undefined && !alive(child.pid))) {
      break;
    }
    await sleep(100);
  }
  throw new PerfplaneError(
    'ControlPlaneUnavailable',
    `the embedded control plane did not start; see ${path.join(home, 'service.log')}`,
  );
}

/** Stops the embedded service with SIGTERM and waits until it has exited. */
export async function stopRuntime(root: string): Promise<RuntimeInfo | undefined> {
  const home = homeOf(root);
  const info = await readRuntime(home);
  if (!info) {
    return undefined;
  }
  process.kill(info.pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (Date.now() < deadline && alive(info.pid)) {
    await sleep(100);
  }
  if (alive(info.pid)) {
    throw new PerfplaneError(
      'ControlPlaneUnavailable',
      `the embedded control plane (pid ${info.pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s`,
    );
  }
  return info;
}

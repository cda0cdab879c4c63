import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, STATEMACHINES, type Workspace } from './workspace.js';

const BIN = path.join(REPO_ROOT, 'packages/cli/bin/perfplane.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  pid: number;
  done: Promise<CliResult>;
}

/** Starts `perfplane <args>` as its own process, pointed at the workspace. */
export function startCli(workspace: Workspace, args: string[]): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: workspace.root,
    env: {
      ...process.env,
      PERFPLANE_ROOT: workspace.root,
      PERFPLANE_HOME: workspace.home,
      PERFPLANE_BUILDSPEC_DIR: workspace.buildspecDir,
      PERFPLANE_STATEMACHINE_DIR: STATEMACHINES,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<CliResult>((resolve) => {
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
  return { pid: child.pid ?? 0, done };
}

export function cli(workspace: Workspace, args: string[]): Promise<CliResult> {
  return startCli(workspace, args).done;
}

/** Calls the embedded API the way the CLI does, with the workspace's token. */
export async function api<T>(workspace: Workspace, method: string, route: string): Promise<T> {
  const runtime = JSON.parse(await readFile(path.join(workspace.home, 'runtime.json'), 'utf8')) as {
    port: number;
  };
  const token = (await readFile(path.join(workspace.home, 'token'), 'utf8')).trim();
  const response = await fetch(`http://127.0.0.1:${runtime.port}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
  });
  return (await response.json()) as T;
}

export async function runtimePid(workspace: Workspace): Promise<number> {
  const runtime = JSON.parse(await readFile(path.join(workspace.home, 'runtime.json'), 'utf8')) as {
    pid: number;
  };
  return runtime.pid;
}

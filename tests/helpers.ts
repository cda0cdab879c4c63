import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Environment, loadEnvironment } from '@perfplane/core';
import { AdminClient, onboard } from '@perfplane/onboarding';
import { type Simulator, startSimulator } from '@perfplane/simulator';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function rehearsal(): Promise<Environment> {
  return loadEnvironment(ROOT, 'rehearsal');
}

/** Starts a simulator on a free port and onboards the rehearsal environment on it. */
export async function startRehearsalHub(
  options: { stateFile?: string; partiesPerDfsp?: number } = {},
): Promise<{ simulator: Simulator; environment: Environment; changes: string[] }> {
  const environment = await rehearsal();
  const simulator = await startSimulator({ port: 0, stateFile: options.stateFile });
  const changes = await onboard(environment, clientsFor(simulator), {
    callbackUrlTemplate: `${simulator.url}/callbacks/{dfsp}`,
    oracleUrl: `${simulator.url}/oracle`,
    partiesPerDfsp: options.partiesPerDfsp ?? 3,
  });
  return { simulator, environment, changes };
}

export function clientsFor(simulator: Simulator) {
  return {
    hub: new AdminClient(`${simulator.url}/admin`),
    als: new AdminClient(`${simulator.url}/als-admin`),
  };
}

/**
 * Returns the k6 binary: PERFPLANE_K6, k6 on PATH, $(go env GOPATH)/bin/k6
 * or ~/go/bin/k6; undefined when none exists.
 */
export function findK6(): string | undefined {
  const candidates = [process.env.PERFPLANE_K6];
  try {
    candidates.push(execFileSync('sh', ['-c', 'command -v k6'], { encoding: 'utf8' }).trim());
  } catch {
    // not on PATH
  }
  try {
    candidates.push(
      path.join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(), 'bin', 'k6'),
    );
  } catch {
    // no Go
  }
  candidates.push(path.join(homedir(), 'go', 'bin', 'k6'));
  return candidates.find((candidate) => candidate && existsSync(candidate));
}

/** Runs k6 with the given arguments from the repository root; resolves with its exit status and output. */
export function runK6(k6: string, args: string[]): Promise<{ status: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(k6, args, {
      cwd: ROOT,
      env: { ...process.env, K6_NO_USAGE_REPORT: 'true' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status: status ?? -1, output }));
  });
}

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface ScriptResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Writes executable stand-ins for command-line tools into a fresh folder and returns it. */
export function makeStubBin(stubs: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'perfplane-stub-'));
  for (const [name, body] of Object.entries(stubs)) {
    const file = path.join(dir, name);
    writeFileSync(file, `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(file, 0o755);
  }
  return dir;
}

/** Credentials in the shape of an IAM user's key; they reach only the stand-in aws command. */
export const STAND_IN_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00',
  AWS_SECRET_ACCESS_KEY: 'not-a-real-secret',
};

/**
 * Runs a phase script with a clean AWS environment: no credentials unless
 * `env` sets them, the metadata service disabled and the config files absent.
 */
export function runPhaseScript(
  script: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): ScriptResult {
  const base: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(base)) {
    if (key.startsWith('AWS_') || key.startsWith('PERFPLANE_')) {
      delete base[key];
    }
  }
  const result = spawnSync('bash', [path.join(repoRoot, script), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...base,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent/perfplane-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/perfplane-credentials',
      PERFPLANE_HOME: mkdtempSync(path.join(tmpdir(), 'perfplane-home-')),
      ...env,
    },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

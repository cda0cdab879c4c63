import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ERROR_CODES } from '@perfplane/core';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'packages/cli/bin/perfplane.js');
const home = mkdtempSync(path.join(tmpdir(), 'perfplane-aws-nocreds-'));

/** Copies the caller's environment without any AWS credential source. */
function withoutCredentials(): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    PERFPLANE_HOME: home,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: path.join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-aws-credentials'),
  };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
    delete environment[name];
  }
  delete environment.AWS_PROFILE;
  return environment;
}

const perfplane = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    env: withoutCredentials(),
    encoding: 'utf8',
    timeout: 240_000,
  });

afterAll(() => {
  perfplane('runtime', 'stop');
  rmSync(home, { recursive: true, force: true });
});

describe('validate-all on AWS without credentials', () => {
  it('stops at prerequisites with the list', { timeout: 300_000 }, () => {
    const result = perfplane('validate-all', '--env', 'aws-1000tps');

    expect(result.status).toBe(ERROR_CODES.RequirementsNotMet);
    expect(result.stdout).toMatch(/❌ Prerequisites: .*requirements not met: .*AWS credentials/);
    expect(result.stdout).toContain('⏸️ Infrastructure: Not deployed yet');
    expect(result.stderr).toMatch(/^error: requirements not met; .*validate-all --env aws-1000tps/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

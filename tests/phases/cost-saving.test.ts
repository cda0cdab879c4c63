import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './run-script.js';

/** Copies phases/lib and the dispatcher into a temporary tree, with stand-in platform scripts. */
function makeRepo(withRehearsal: boolean) {
  const root = mkdtempSync(path.join(tmpdir(), 'perfplane-cost-'));
  const scripts = path.join(root, 'phases/02-infrastructure/scripts');
  mkdirSync(scripts, { recursive: true });
  mkdirSync(path.join(root, 'environments'));
  cpSync(path.join(repoRoot, 'phases/lib'), path.join(root, 'phases/lib'), { recursive: true });
  cpSync(
    path.join(repoRoot, 'phases/02-infrastructure/scripts/cost-saving.sh'),
    path.join(scripts, 'cost-saving.sh'),
  );
  writeFileSync(path.join(root, 'environments/demo.yaml'), 'name: demo\nplatform: rehearsal\n');
  writeFileSync(path.join(root, 'environments/cloud.yaml'), 'name: cloud\nplatform: aws\n');
  for (const platform of withRehearsal ? ['rehearsal', 'aws'] : ['aws']) {
    const file = path.join(scripts, `cost-saving-${platform}.sh`);
    writeFileSync(file, `#!/usr/bin/env bash\necho "${platform} $*"\n`);
    chmodSync(file, 0o755);
  }
  return root;
}

function run(root: string, args: string[]) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('PERFPLANE_')),
  );
  return spawnSync(
    'bash',
    [path.join(root, 'phases/02-infrastructure/scripts/cost-saving.sh'), ...args],
    {
      encoding: 'utf8',
      env,
    },
  );
}

describe('cost-saving.sh', () => {
  it('dispatches by platform', () => {
    const root = makeRepo(true);
    expect(run(root, ['on', '--env', 'demo']).stdout.trim()).toBe('rehearsal on --env demo');
    expect(run(root, ['off', '--env', 'cloud']).stdout.trim()).toBe('aws off --env cloud');
  });

  it('rejects an unknown mode', () => {
    const result = run(makeRepo(true), ['pause', '--env', 'demo']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('usage: scripts/cost-saving.sh on|off');
  });

  it('names a missing implementation', () => {
    const result = run(makeRepo(false), ['on', '--env', 'demo']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('cost-saving-rehearsal.sh is missing');
  });
});

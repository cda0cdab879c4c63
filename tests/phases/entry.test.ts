import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './run-script.js';

/** Creates a throw-away repository with phases/lib and one phase whose deploy.sh runs BODY. */
function makeRepo(body: string, platform = 'rehearsal') {
  const root = mkdtempSync(path.join(tmpdir(), 'perfplane-entry-'));
  mkdirSync(path.join(root, 'phases/lib'), { recursive: true });
  mkdirSync(path.join(root, 'phases/09-demo/scripts'), { recursive: true });
  mkdirSync(path.join(root, 'environments'));
  for (const file of ['entry.sh', 'perfplane.sh']) {
    copyFileSync(path.join(repoRoot, 'phases/lib', file), path.join(root, 'phases/lib', file));
  }
  writeFileSync(path.join(root, 'environments/demo.yaml'), `name: demo\nplatform: ${platform}\n`);
  const deploy = path.join(root, 'phases/09-demo/deploy.sh');
  writeFileSync(
    deploy,
    [
      '#!/usr/bin/env bash',
      'set -euo pipefail',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion, not a template
      'PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"',
      'source "$PHASE_DIR/../lib/entry.sh"',
      body,
    ].join('\n'),
  );
  chmodSync(deploy, 0o755);
  return root;
}

function run(root: string, args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('PERFPLANE_')),
  );
  return spawnSync('bash', [path.join(root, 'phases/09-demo/deploy.sh'), ...args], {
    encoding: 'utf8',
    env: { ...clean, PERFPLANE_HOME: path.join(root, '.perfplane'), ...env },
  });
}

describe('pp_begin', () => {
  it('reports rehearsal as provided', () => {
    const root = makeRepo('pp_begin deploy "$@"\necho aws path');
    const result = run(root, ['--env', 'demo']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      'no rehearsal work for 09-demo; provided by the rehearsal profile',
    );
    expect(result.stdout).toContain('##perfplane[progress] 100');
    expect(result.stdout).not.toContain('aws path');
  });

  it('hands over to rehearsal.sh', () => {
    const root = makeRepo('pp_begin deploy "$@"\necho aws path');
    const script = path.join(root, 'phases/09-demo/scripts/rehearsal.sh');
    writeFileSync(
      script,
      '#!/usr/bin/env bash\necho "rehearsal $* $PERFPLANE_ENV $PERFPLANE_PLATFORM"\n',
    );
    chmodSync(script, 0o755);
    const result = run(root, ['--env', 'demo', '--detailed']);
    expect(result.stdout.trim()).toBe('rehearsal deploy --env demo --detailed demo rehearsal');
  });

  it('reads the env variable', () => {
    const root = makeRepo('pp_begin deploy "$@"');
    const result = run(root, [], { PERFPLANE_ENV: 'demo' });
    expect(result.status).toBe(0);
  });

  it('lets PERFPLANE_PLATFORM win', () => {
    const root = makeRepo('pp_begin deploy "$@"\necho "aws path $PP_PLATFORM"', 'rehearsal');
    const result = run(root, ['--env', 'demo'], { PERFPLANE_PLATFORM: 'nowhere' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('unknown platform "nowhere"');
  });

  it('requires an environment', () => {
    const root = makeRepo('pp_begin deploy "$@"');
    const result = run(root, []);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('missing environment: pass --env NAME or set PERFPLANE_ENV');
  });

  it('rejects an unknown environment', () => {
    const root = makeRepo('pp_begin deploy "$@"');
    const result = run(root, ['--env', 'nope']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('environments/nope.yaml not found');
  });
});

describe('pp_record and pp_input', () => {
  it('round-trip through the outputs file', () => {
    const root = makeRepo(
      'pp_parse_args "$@"\npp_record cluster_name perf-k6\npp_input 09-demo cluster_name',
    );
    const result = run(root, ['--env', 'demo']);
    expect(result.stdout).toContain('##perfplane[output] cluster_name=perf-k6');
    expect(result.stdout.trim().split('\n').at(-1)).toBe('perf-k6');
    const stored = JSON.parse(
      readFileSync(path.join(root, '.perfplane/outputs/demo/09-demo.json'), 'utf8'),
    );
    expect(stored).toEqual({ cluster_name: 'perf-k6' });
  });

  it('prefers PERFPLANE_INPUTS_FILE', () => {
    const root = makeRepo('pp_parse_args "$@"\npp_input 02-infrastructure k6_cluster_name');
    const inputs = path.join(root, 'inputs.json');
    writeFileSync(
      inputs,
      JSON.stringify({ '02-infrastructure': { k6_cluster_name: 'from-runner' } }),
    );
    const result = run(root, ['--env', 'demo'], { PERFPLANE_INPUTS_FILE: inputs });
    expect(result.stdout.trim()).toBe('from-runner');
  });

  it('names the phase to deploy', () => {
    const root = makeRepo('pp_parse_args "$@"\npp_input 02-infrastructure rds_address');
    const result = run(root, ['--env', 'demo']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'missing input rds_address from 02-infrastructure: deploy 02-infrastructure first',
    );
  });
});

describe('pp_step', () => {
  it('skips a declined step', () => {
    const root = makeRepo(
      'pp_parse_args "$@"\nwork() { echo did-work; }\npp_step 10 "Do work" work',
    );
    const declined = spawnSync(
      'bash',
      [path.join(root, 'phases/09-demo/deploy.sh'), '--env', 'demo', '--interactive'],
      {
        encoding: 'utf8',
        input: 'n\n',
      },
    );
    expect(declined.stdout).not.toContain('did-work');
    const accepted = spawnSync(
      'bash',
      [path.join(root, 'phases/09-demo/deploy.sh'), '--env', 'demo', '--interactive'],
      {
        encoding: 'utf8',
        input: 'y\n',
      },
    );
    expect(accepted.stdout).toContain('did-work');
  });
});

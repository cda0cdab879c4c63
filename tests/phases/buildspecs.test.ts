import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PHASE_IDS } from '@perfplane/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildspecSchema } from './buildspec-schema.js';
import { repoRoot } from './run-script.js';

const ACTIONS = ['deploy', 'validate', 'rollback', 'troubleshoot'];

function loadBuildspec(phase: string) {
  return parse(readFileSync(path.join(repoRoot, 'buildspecs', `${phase}.yml`), 'utf8'));
}

describe('buildspecs', () => {
  it.each(PHASE_IDS)('%s matches the schema', (phase) => {
    const result = buildspecSchema.safeParse(loadBuildspec(phase));
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it.each(PHASE_IDS)('%s names its phase', (phase) => {
    const spec = buildspecSchema.parse(loadBuildspec(phase));
    expect(spec.env?.variables?.PERFPLANE_PHASE).toBe(phase);
  });

  it.each(PHASE_IDS)('%s runs the action script', (phase) => {
    const spec = buildspecSchema.parse(loadBuildspec(phase));
    expect(spec.phases.build.commands).toContain(
      'bash phases/$PERFPLANE_PHASE/$PERFPLANE_ACTION.sh',
    );
    expect(spec.phases.install?.commands).toContain('bash buildspecs/install-tools.sh');
    expect(spec.phases.post_build?.commands).toContain('bash buildspecs/upload-results.sh');
  });

  it('cost-saving matches the schema', () => {
    const spec = buildspecSchema.parse(
      parse(readFileSync(path.join(repoRoot, 'buildspecs/cost-saving.yml'), 'utf8')),
    );
    expect(spec.phases.build.commands[0]).toContain(
      'phases/02-infrastructure/scripts/cost-saving.sh',
    );
  });

  it('rejects an unknown key', () => {
    const spec = { ...loadBuildspec('01-prerequisites'), phase: {} };
    expect(buildspecSchema.safeParse(spec).success).toBe(false);
  });
});

describe('install-tools.sh', () => {
  const script = readFileSync(path.join(repoRoot, 'buildspecs/install-tools.sh'), 'utf8');

  it('pins every tool version', () => {
    for (const tool of ['TERRAFORM', 'KUBECTL', 'HELM', 'K6']) {
      expect(script, tool).toMatch(new RegExp(`^${tool}_VERSION=v?\\d+\\.\\d+\\.\\d+$`, 'm'));
    }
  });

  it('verifies checksums', () => {
    expect(script.match(/\bverify "/g)?.length).toBe(4);
  });

  it('skips outside CodeBuild', () => {
    expect(script).toMatch(/CODEBUILD_BUILD_ID.*rehearsal/);
  });
});

describe('phase entry scripts', () => {
  const cases = PHASE_IDS.flatMap((phase) => ACTIONS.map((action) => [phase, action] as const));

  it.each(cases)('%s %s is strict and executable', (phase, action) => {
    const file = path.join(repoRoot, 'phases', phase, `${action}.sh`);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(text).toContain('set -euo pipefail');
    expect(text).toContain(`pp_begin ${action} "$@"`);
    expect(statSync(file).mode & 0o111).not.toBe(0);
  });
});

describe('buildspec commands', () => {
  /** Runs every command of a buildspec in order with bash, as the local build runner does. */
  function runBuildspec(phase: string, env: Record<string, string>) {
    const spec = buildspecSchema.parse(loadBuildspec(phase));
    const commands = [
      spec.phases.install,
      spec.phases.pre_build,
      spec.phases.build,
      spec.phases.post_build,
    ]
      .flatMap((step) => step?.commands ?? [])
      .join('\n');
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !key.startsWith('PERFPLANE_') && key !== 'CODEBUILD_BUILD_ID',
      ),
    );
    return spawnSync('bash', ['-e', '-c', commands], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...clean, ...spec.env?.variables, ...env },
    });
  }

  it('run under rehearsal', () => {
    const result = runBuildspec('03-kubernetes', {
      PERFPLANE_PLATFORM: 'rehearsal',
      PERFPLANE_ACTION: 'validate',
      PERFPLANE_ENV: 'rehearsal',
      PERFPLANE_HOME: mkdtempSync(path.join(tmpdir(), 'perfplane-buildspec-')),
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('install-tools: skipped outside an AWS CodeBuild build');
    expect(result.stdout).toContain('##perfplane[progress] 100');
  });

  it('skip installs on rehearsal builds', () => {
    const result = spawnSync('bash', ['buildspecs/install-tools.sh'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, CODEBUILD_BUILD_ID: 'perfplane:1', PERFPLANE_PLATFORM: 'rehearsal' },
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('skipped outside an AWS CodeBuild build');
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './run-script.js';

/**
 * Runs run_ladder of 07-performance-tests with the cluster and S3 replaced
 * by shell functions: DONE lists stages whose results already exist,
 * INVALID the stages whose generator health is invalid. Returns the output
 * and the stages that ran, with their TestRun names and STAGES variable.
 */
function runLadder(environmentJson: string, done: string[], invalid: string[]) {
  const home = mkdtempSync(path.join(tmpdir(), 'perfplane-ladder-'));
  const ran = path.join(home, 'ran.log');
  const script = `
set -euo pipefail
PHASE_DIR="${repoRoot}/phases/07-performance-tests"
source "$PHASE_DIR/../lib/entry.sh"
pp_parse_args --env aws-1000tps
pp_load_env
source "$PHASE_DIR/../lib/testrun.sh"
source "$PHASE_DIR/scripts/ladder.sh"
pp_artifacts_bucket() { echo bucket; }
pp_input() { echo ingress.internal; }
pp_aws() { local s; for s in ${done.join(' ')}; do [[ "$*" == *"/$s/health.json"* ]] && return 0; done; return 1; }
pp_testrun_name() { echo "ladder-$2-$3"; }
pp_run_stage() {
  local stages="\${*: -1}"
  echo "$1 $4 $stages" >> "${ran}"
  PP_STAGE_HEALTH="${home}/health.json"
  local valid=true
  local s
  for s in ${invalid.join(' ')}; do [[ "$1" == *"-$s" ]] && valid=false; done
  echo "{\\"valid\\": $valid, \\"droppedIterations\\": 0, \\"peakRunnerMillicores\\": 1}" > "$PP_STAGE_HEALTH"
}
run_ladder run-7 5 95
`;
  const result = spawnSync('bash', ['-c', script], {
    encoding: 'utf8',
    cwd: repoRoot,
    env: { ...process.env, PERFPLANE_HOME: home, PP_ENV_JSON_FILE: environmentJson },
  });
  let lines: string[] = [];
  try {
    lines = readFileSync(ran, 'utf8').trim().split('\n');
  } catch {
    lines = [];
  }
  return { ...result, ran: lines };
}

describe('run_ladder', () => {
  let all: ReturnType<typeof runLadder>;
  let resumed: ReturnType<typeof runLadder>;
  let invalid: ReturnType<typeof runLadder>;

  beforeAll(() => {
    // The environment is validated once and shared, as pp_load_env would cache it.
    const environmentJson = path.join(
      mkdtempSync(path.join(tmpdir(), 'perfplane-env-')),
      'environment.json',
    );
    const output = spawnSync(
      'npx',
      ['--no-install', 'tsx', 'phases/lib/environment-json.ts', 'aws-1000tps'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    );
    writeFileSync(environmentJson, output.stdout);
    all = runLadder(environmentJson, [], []);
    resumed = runLadder(environmentJson, ['step-100', 'step-500'], []);
    invalid = runLadder(environmentJson, [], ['step-500']);
  });

  it('runs every stage in order', () => {
    expect(all.status).toBe(0);
    expect(all.ran.map((line) => line.split(' ')[0])).toEqual([
      'ladder-run-7-step-100',
      'ladder-run-7-step-500',
      'ladder-run-7-step-1000',
      'ladder-run-7-sustained',
    ]);
  });

  it('passes one stage at a time', () => {
    expect(all.ran[0]).toContain('STAGES=[{"name":"step-100","rate":100,"duration":"10m"');
    expect(all.ran[3]).toContain('STAGES=[{"name":"sustained","rate":1000,"duration":"60m"');
  });

  it('sets a deadline per stage', () => {
    const deadlines = all.ran.map((line) => Number(line.split(' ')[1]));
    // Each stage's duration plus 20 minutes.
    expect(deadlines).toEqual([1800, 1800, 2100, 4800]);
  });

  it('skips stages with results', () => {
    expect(resumed.ran.map((line) => line.split(' ')[0])).toEqual([
      'ladder-run-7-step-1000',
      'ladder-run-7-sustained',
    ]);
    expect(resumed.stdout).toContain('stage step-100 already has results');
  });

  it('fails on invalid stages', () => {
    expect(invalid.ran).toHaveLength(4);
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toContain('stages step-500 are invalid');
    expect(invalid.stdout).toContain('##perfplane[output] stage.step-500.valid=false');
  });
});

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeStubBin, repoRoot, STAND_IN_CREDENTIALS } from './run-script.js';

/**
 * Runs pp_helm_recover against a helm stand-in whose release is in STATUS
 * with HISTORY as its `helm history -o json`, and returns the helm calls.
 */
function recover(status: string, history: object[]): string[] {
  const bin = makeStubBin({
    helm: `
echo "helm $*" >> "$CALLS"
case "$1" in
  status) echo '{"info":{"status":"${status}"}}' ;;
  history) echo '${JSON.stringify(history)}' ;;
esac`,
  });
  const calls = path.join(bin, 'calls.log');
  const script = [
    `PHASE_DIR="${repoRoot}/phases/03-kubernetes"`,
    'source "$PHASE_DIR/../lib/entry.sh"',
    'source "$PHASE_DIR/../lib/aws.sh"',
    'pp_helm_recover backend mojaloop',
    'echo "helm done" >> "$CALLS"',
  ].join('\n');
  const result = spawnSync('bash', ['-c', script], {
    encoding: 'utf8',
    env: {
      ...process.env,
      ...STAND_IN_CREDENTIALS,
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      CALLS: calls,
    },
  });
  expect(result.status).toBe(0);
  return readFileSync(calls, 'utf8').trim().split('\n');
}

describe('pp_helm_recover', () => {
  it('uninstalls a pending install', () => {
    const calls = recover('pending-install', []);
    expect(calls).toContain('helm uninstall backend -n mojaloop --wait --timeout 5m');
  });

  it('rolls back a pending upgrade', () => {
    const calls = recover('pending-upgrade', [
      { revision: 3, status: 'superseded' },
      { revision: 4, status: 'deployed' },
      { revision: 5, status: 'pending-upgrade' },
    ]);
    expect(calls).toContain('helm rollback backend 4 -n mojaloop --wait --timeout 10m');
  });

  it('uninstalls without a good revision', () => {
    const calls = recover('pending-upgrade', [{ revision: 1, status: 'pending-upgrade' }]);
    expect(calls).toContain('helm uninstall backend -n mojaloop --wait --timeout 5m');
  });

  it('leaves a deployed release', () => {
    const calls = recover('deployed', []);
    expect(calls).toEqual(['helm status backend -n mojaloop -o json', 'helm done']);
  });
});

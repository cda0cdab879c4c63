import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  makeStubBin,
  runPhaseScript,
  type ScriptResult,
  STAND_IN_CREDENTIALS,
} from './run-script.js';

const awsStub = `
case "$*" in
  *"eks update-kubeconfig"*) echo "{}" > "\${@: -3:1}" ;;
  *) echo "unexpected aws call: $*" >&2; exit 255 ;;
esac`;

/** helm reports every release deployed except the one named in $PENDING. */
const helmStub = `
if [[ "$1" == status ]]; then
  if [[ "$2" == "\${PENDING:-}" ]]; then echo '{"info":{"status":"pending-upgrade"}}'; else echo '{"info":{"status":"deployed"}}'; fi
else
  echo "unexpected helm call: $*" >&2; exit 1
fi`;

const kubectlStub = `
case "$*" in
  "get deployments,statefulsets"*) echo '{"items":[{"metadata":{"name":"web"},"spec":{"replicas":2},"status":{"readyReplicas":2}}]}' ;;
  "get storageclass gp3") echo gp3 ;;
  *) echo "unexpected kubectl call: $*" >&2; exit 1 ;;
esac`;

function validate(pending: string): ScriptResult {
  const bin = makeStubBin({ aws: awsStub, helm: helmStub, kubectl: kubectlStub });
  const inputs = path.join(bin, 'inputs.json');
  writeFileSync(
    inputs,
    JSON.stringify({ '02-infrastructure': { mojaloop_cluster_name: 'perf-mojaloop' } }),
  );
  return runPhaseScript(
    'phases/03-kubernetes/validate.sh',
    ['--env', 'aws-1000tps', '--detailed'],
    {
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      PERFPLANE_INPUTS_FILE: inputs,
      PENDING: pending,
      ...STAND_IN_CREDENTIALS,
    },
  );
}

describe('03-kubernetes validate', () => {
  let healthy: ScriptResult;
  let stuck: ScriptResult;

  beforeAll(() => {
    healthy = validate('');
    stuck = validate('cert-manager');
  });

  it('counts healthy services', () => {
    expect(healthy.stdout).toContain('7/7 platform services healthy');
    expect(healthy.stdout).toContain('ok    monitoring/kube-prometheus-stack');
    expect(healthy.status).toBe(0);
  });

  it('names an unhealthy release', () => {
    expect(stuck.stdout).toContain(
      'FAIL  cert-manager/cert-manager: release status pending-upgrade',
    );
    expect(stuck.stdout).toContain('6/7 platform services healthy');
    expect(stuck.status).toBe(1);
  });
});

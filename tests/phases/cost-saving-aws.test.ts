import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, STAND_IN_CREDENTIALS } from './run-script.js';

// A record as `cost-saving on` writes it: node group sizes, stateful sets
// listed in the cluster's (alphabetical) order, and the volumes' zones.
const record = {
  nodeGroups: [
    {
      cluster: 'perf-mojaloop',
      name: 'backends',
      scaling: { minSize: 2, maxSize: 3, desiredSize: 2 },
      subnets: ['subnet-a'],
    },
  ],
  statefulSets: [
    { cluster: 'perf-mojaloop', namespace: 'mojaloop', name: 'backend-kafka', replicas: 3 },
    { cluster: 'perf-mojaloop', namespace: 'mojaloop', name: 'backend-mysql', replicas: 1 },
    { cluster: 'perf-mojaloop', namespace: 'mojaloop', name: 'backend-zookeeper', replicas: 3 },
  ],
  volumeZones: [{ cluster: 'perf-mojaloop', zone: 'eu-west-1a' }],
};

/** Sources cost-saving-aws.sh with kubectl and the AWS CLI replaced, runs COMMANDS, returns the calls. */
function run(commands: string): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'perfplane-cost-aws-'));
  const recordFile = path.join(dir, 'record.json');
  const calls = path.join(dir, 'calls.log');
  writeFileSync(recordFile, JSON.stringify(record));
  const script = `
set -euo pipefail
source "${repoRoot}/phases/02-infrastructure/scripts/cost-saving-aws.sh"
RECORD="${recordFile}"
pp_kubeconfig() { :; }
kubectl() { echo "kubectl $*" >> "${calls}"; }
pp_aws() { echo "aws $*" >> "${calls}"; }
${commands}
`;
  const result = spawnSync('bash', ['-c', script], {
    encoding: 'utf8',
    env: { ...process.env, ...STAND_IN_CREDENTIALS },
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return readFileSync(calls, 'utf8').trim().split('\n');
}

const scaled = (calls: string[]) =>
  calls.filter((line) => line.startsWith('kubectl scale')).map((line) => line.split(' ')[5]);

describe('cost-saving on AWS', () => {
  it('starts ZooKeeper, Kafka, then apps', () => {
    const calls = run('scale_statefulsets_up');
    expect(scaled(calls)).toEqual(['backend-zookeeper', 'backend-kafka', 'backend-mysql']);
    expect(calls).toContain('kubectl scale statefulset -n mojaloop backend-kafka --replicas=3');
  });

  it('waits for each before the next', () => {
    const calls = run('scale_statefulsets_up');
    const zookeeperReady = calls.indexOf(
      'kubectl rollout status statefulset -n mojaloop backend-zookeeper --timeout=15m',
    );
    const kafkaScaled = calls.indexOf(
      'kubectl scale statefulset -n mojaloop backend-kafka --replicas=3',
    );
    expect(zookeeperReady).toBeGreaterThanOrEqual(0);
    expect(kafkaScaled).toBeGreaterThan(zookeeperReady);
  });

  it('stops in reverse order', () => {
    const calls = run('scale_statefulsets_down');
    expect(scaled(calls)).toEqual(['backend-mysql', 'backend-kafka', 'backend-zookeeper']);
  });

  it('scales node groups to zero', () => {
    const calls = run('scale_node_groups zero');
    expect(calls.join('\n')).toContain('--scaling-config minSize=0,maxSize=3,desiredSize=0');
  });

  it('restores recorded sizes', () => {
    const calls = run('scale_node_groups restore');
    expect(calls.join('\n')).toContain('--scaling-config minSize=2,maxSize=3,desiredSize=2');
  });
});

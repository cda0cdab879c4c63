import { describe, expect, it } from 'vitest';
import { buildTestRun, RUNNER_NODE_GROUP, testRunName } from '../../phases/lib/testrun.js';

const base = {
  name: 'ladder-run1-step-100',
  configMap: 'ladder-run1-step-100',
  file: 'x.tar',
  parallelism: 4,
};

describe('testRunName', () => {
  it('differs per stage', () => {
    expect(testRunName('ladder', 'run-1', 'step-100')).not.toBe(
      testRunName('ladder', 'run-1', 'step-500'),
    );
  });

  it('differs per run', () => {
    expect(testRunName('ladder', 'run-1', 'sustained')).not.toBe(
      testRunName('ladder', 'run-2', 'sustained'),
    );
  });

  it('yields a valid Kubernetes name', () => {
    const name = testRunName('ladder', '01JF8ZQ4X9V2M7K3TP5R6YB0CW_Run', 'Sustained Load!!');
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(name.length).toBeLessThanOrEqual(52);
  });
});

describe('buildTestRun', () => {
  it('sets the parallelism', () => {
    expect(buildTestRun(base).spec.parallelism).toBe(4);
  });

  it('pins runners to their node group', () => {
    const spec = buildTestRun(base).spec;
    expect(spec.runner.nodeSelector['perfplane.io/node-group']).toBe(RUNNER_NODE_GROUP);
    expect(spec.separate).toBe(true);
  });

  it('gives each runner its own folder', () => {
    const runner = buildTestRun(base).spec.runner;
    expect(runner.volumeMounts[0]?.subPathExpr).toBe('$(POD_NAME)');
    expect(runner.volumes[0]?.hostPath.path).toBe('/var/lib/perfplane-k6/ladder-run1-step-100');
    expect(runner.env[0]).toEqual({
      name: 'POD_NAME',
      valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
    });
  });

  it('writes samples and summary', () => {
    const args = buildTestRun(base).spec.arguments;
    expect(args).toContain('--out json=/results/samples.json.gz');
    expect(args).toContain('--summary-export /results/summary.json');
  });

  it('keeps pods for collection', () => {
    expect(buildTestRun(base).spec).not.toHaveProperty('cleanup');
  });

  it('adds remote write on request', () => {
    const testRun = buildTestRun({ ...base, remoteWrite: 'http://prometheus:9090/api/v1/write' });
    expect(testRun.spec.arguments).toContain('experimental-prometheus-rw');
    expect(testRun.spec.runner.env.map((entry) => entry.name)).toContain(
      'K6_PROMETHEUS_RW_SERVER_URL',
    );
  });

  it('rejects a bad name', () => {
    expect(() => buildTestRun({ ...base, name: 'Bad_Name' })).toThrow(/Bad_Name/);
  });

  it('rejects zero parallelism', () => {
    expect(() => buildTestRun({ ...base, parallelism: 0 })).toThrow(/parallelism/);
  });
});

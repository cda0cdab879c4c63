import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironment, parseEnvironment } from '../src/environment.js';

const root = path.resolve(import.meta.dirname, '../../..');

describe('environment', () => {
  it('loads the shipped environments', async () => {
    const rehearsal = await loadEnvironment(root, 'rehearsal');
    expect(rehearsal.platform).toBe('rehearsal');
    expect(rehearsal.dfsps).toHaveLength(8);
    const aws = await loadEnvironment(root, 'aws-1000tps');
    expect(aws.target.tps).toBe(1000);
  });

  it('names the file and field of a bad value', () => {
    const text = 'name: x\nplatform: moon\n';
    expect(() => parseEnvironment(text, 'environments/x.yaml')).toThrow(
      /environments\/x\.yaml: .*field "platform"/,
    );
  });

  it('reports malformed YAML', () => {
    expect(() => parseEnvironment('name: [x', 'environments/x.yaml')).toThrow(/malformed YAML/);
  });

  it('rejects an unknown environment with the known ones', async () => {
    await expect(loadEnvironment(root, 'nope')).rejects.toThrow(/known environments: .*rehearsal/);
  });
});

describe('environment ladder', () => {
  const base = (stage: string) =>
    [
      'name: x',
      'platform: rehearsal',
      'dfsps:',
      "  - { id: fspa, netDebitCap: 10, initialFunds: 10, msisdnPrefix: '123' }",
      "  - { id: fspb, netDebitCap: 10, initialFunds: 10, msisdnPrefix: '124' }",
      'target: { tps: 1, p95Ms: 100, maxErrorRate: 0.1 }',
      'smoke: { rate: 1, duration: 5s }',
      `ladder: [${stage}]`,
      'simulator: { port: 18080 }',
    ].join('\n');

  it('rejects maxVUs below preAllocatedVUs', () => {
    const stage = '{ name: s, rate: 10, duration: 10s, preAllocatedVUs: 40, maxVUs: 20 }';
    expect(() => parseEnvironment(base(stage), 'environments/x.yaml')).toThrow(
      /field "ladder\.0\.maxVUs": maxVUs must be at least preAllocatedVUs/,
    );
  });

  it('accepts preAllocatedVUs alone', () => {
    const stage = '{ name: s, rate: 10, duration: 10s, preAllocatedVUs: 40 }';
    expect(parseEnvironment(base(stage), 'environments/x.yaml').ladder[0]?.preAllocatedVUs).toBe(
      40,
    );
  });
});

describe('expected minutes', () => {
  it('come from the rehearsal file', async () => {
    const rehearsal = await loadEnvironment(root, 'rehearsal');
    expect(rehearsal.expectedMinutes['07-performance-tests']).toBe(2.5);
  });
});

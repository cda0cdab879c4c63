import path from 'node:path';
import { loadEnvironment } from '@perfplane/core';
import { describe, expect, it } from 'vitest';
import {
  describeShortfalls,
  evaluateQuotas,
  formatQuotaTable,
  isStandardFamily,
  requiredQuotas,
  vcpusOf,
} from '../../phases/01-prerequisites/scripts/quotas.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('vcpusOf', () => {
  it('reads the size', () => {
    expect(vcpusOf('m7i.4xlarge')).toBe(16);
    expect(vcpusOf('c7i.2xlarge')).toBe(8);
    expect(vcpusOf('t3.medium')).toBe(1);
  });

  it('rejects unknown sizes', () => {
    expect(vcpusOf('m7i.huge')).toBeUndefined();
    expect(vcpusOf('nonsense')).toBeUndefined();
  });
});

describe('isStandardFamily', () => {
  it('accepts standard families', () => {
    expect(isStandardFamily('m7i.4xlarge')).toBe(true);
    expect(isStandardFamily('r6g.large')).toBe(true);
  });

  it('rejects GPU families', () => {
    expect(isStandardFamily('g5.xlarge')).toBe(false);
    expect(isStandardFamily('p4d.24xlarge')).toBe(false);
  });
});

describe('requiredQuotas', () => {
  it('sums node groups at max size', async () => {
    const environment = await loadEnvironment(root, 'aws-1000tps');
    const vcpu = requiredQuotas(environment).find((row) => row.code === 'L-1216C47A');
    // switch 4 x 16 + backends 3 x 16 + dfsps 3 x 8 + runners 4 x 16
    expect(vcpu?.required).toBe(200);
  });

  it('lists every quota code', async () => {
    const environment = await loadEnvironment(root, 'aws-1000tps');
    const codes = requiredQuotas(environment).map((row) => row.code);
    expect(codes).toEqual([
      'L-1216C47A',
      'L-F678F1CE',
      'L-0263D0A3',
      'L-FE5A380F',
      'L-1194D53C',
      'L-7B6409FD',
      'L-2DC20C30',
    ]);
  });

  it('needs nothing without aws', async () => {
    const environment = await loadEnvironment(root, 'rehearsal');
    expect(requiredQuotas(environment)).toEqual([]);
  });

  it('rejects a non-standard type', async () => {
    const environment = await loadEnvironment(root, 'aws-1000tps');
    const gpu = structuredClone(environment);
    if (!gpu.aws) throw new Error('fixture has no aws section');
    gpu.aws.k6Cluster.nodeGroups.runners = {
      instanceType: 'g5.xlarge',
      minSize: 1,
      maxSize: 1,
      desiredSize: 1,
      diskGiB: 100,
    };
    expect(() => requiredQuotas(gpu)).toThrow(/g5\.xlarge/);
  });
});

describe('evaluateQuotas', () => {
  const requirements = [
    { service: 'ec2' as const, code: 'L-1216C47A', name: 'vCPUs', required: 200, basis: '' },
    { service: 'eks' as const, code: 'L-1194D53C', name: 'EKS clusters', required: 2, basis: '' },
    { service: 'rds' as const, code: 'L-7B6409FD', name: 'DB instances', required: 1, basis: '' },
  ];

  it('subtracts usage from the limit', () => {
    const [vcpu] = evaluateQuotas(requirements, [{ code: 'L-1216C47A', limit: 256, used: 100 }]);
    expect(vcpu?.available).toBe(156);
    expect(vcpu?.short).toBe(44);
    expect(vcpu?.status).toBe('short');
  });

  it('passes when enough is left', () => {
    const rows = evaluateQuotas(requirements, [{ code: 'L-1194D53C', limit: 100, used: 3 }]);
    expect(rows[1]?.status).toBe('ok');
    expect(rows[1]?.short).toBe(0);
  });

  it('marks unread quotas unknown', () => {
    const rows = evaluateQuotas(requirements, []);
    expect(rows.every((row) => row.status === 'unknown')).toBe(true);
  });

  it('never reports negative availability', () => {
    const [vcpu] = evaluateQuotas(requirements, [{ code: 'L-1216C47A', limit: 5, used: 40 }]);
    expect(vcpu?.available).toBe(0);
    expect(vcpu?.short).toBe(200);
  });
});

describe('describeShortfalls', () => {
  it('names the code to raise', () => {
    const rows = evaluateQuotas(
      [{ service: 'ec2', code: 'L-1216C47A', name: 'vCPUs', required: 200, basis: '' }],
      [{ code: 'L-1216C47A', limit: 32 }],
    );
    const [line] = describeShortfalls(rows, 'eu-west-1');
    expect(line).toContain('--quota-code L-1216C47A');
    expect(line).toContain('need 200, available 32');
    expect(line).toContain('eu-west-1');
  });
});

describe('formatQuotaTable', () => {
  it('aligns the columns', () => {
    const rows = evaluateQuotas(
      [{ service: 'eks', code: 'L-1194D53C', name: 'EKS clusters', required: 2, basis: '' }],
      [{ code: 'L-1194D53C', limit: 100 }],
    );
    const [header, row] = formatQuotaTable(rows).split('\n');
    expect(header).toMatch(/^quota\s+code\s+required\s+available\s+short\s+status$/);
    expect(row).toMatch(/^EKS clusters\s+L-1194D53C\s+2\s+100\s+0\s+ok$/);
  });
});

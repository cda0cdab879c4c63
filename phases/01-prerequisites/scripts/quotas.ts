/**
 * Service quota arithmetic for the prerequisites phase: what an environment
 * needs from each AWS quota, and whether the account has it. Pure functions,
 * so the numbers are testable without an AWS account.
 */
import type { Environment } from '@perfplane/core';

type Cluster = NonNullable<Environment['aws']>['mojaloopCluster'];

export type QuotaService = 'ec2' | 'vpc' | 'eks' | 'rds' | 'codebuild';

/** One AWS service quota an environment draws on, with the amount it needs. */
export interface QuotaRequirement {
  service: QuotaService;
  code: string;
  name: string;
  required: number;
  /** Derivation of the required amount, shown next to a shortfall. */
  basis: string;
}

/** Account reading of one quota; a field is undefined when it could not be read. */
export interface QuotaReading {
  code: string;
  limit?: number;
  /** Amount already in use by resources outside this environment. */
  used?: number;
}

export type QuotaStatus = 'ok' | 'short' | 'unknown';

export interface QuotaRow extends QuotaRequirement {
  available?: number;
  short: number;
  status: QuotaStatus;
}

/** vCPUs per instance size, the same across the current x86 general, compute and memory families. */
const VCPUS_BY_SIZE: Record<string, number> = {
  medium: 1,
  large: 2,
  xlarge: 4,
  '2xlarge': 8,
  '3xlarge': 12,
  '4xlarge': 16,
  '6xlarge': 24,
  '8xlarge': 32,
  '9xlarge': 36,
  '12xlarge': 48,
  '16xlarge': 64,
  '18xlarge': 72,
  '24xlarge': 96,
  '32xlarge': 128,
  '48xlarge': 192,
};

/**
 * Instance families counted by the quota "Running On-Demand Standard (A, C,
 * D, H, I, M, R, T, Z) instances". GPU, FPGA and high-memory families have
 * their own quotas.
 */
const STANDARD_FAMILY = /^[acdhimrtz]\d/;

const INSTANCE_TYPE = /^([a-z]+\d+[a-z-]*)\.([a-z0-9]+)$/;

/**
 * CodeBuild's concurrent-build quota differs per compute type. Only Linux
 * types are listed; another type is reported as unknown.
 */
const CODEBUILD_QUOTAS: Record<string, { code: string; name: string }> = {
  BUILD_GENERAL1_SMALL: {
    code: 'L-9D07B6EF',
    name: 'Concurrently running builds for Linux/Small environment',
  },
  BUILD_GENERAL1_MEDIUM: {
    code: 'L-2DC20C30',
    name: 'Concurrently running builds for Linux/Medium environment',
  },
};

/** Returns the vCPU count of an instance type such as "m7i.4xlarge", or undefined if unknown. */
export function vcpusOf(instanceType: string): number | undefined {
  const match = INSTANCE_TYPE.exec(instanceType);
  if (!match?.[2]) {
    return undefined;
  }
  return VCPUS_BY_SIZE[match[2]];
}

/** Tests whether an instance type draws on the standard On-Demand vCPU quota. */
export function isStandardFamily(instanceType: string): boolean {
  return STANDARD_FAMILY.test(instanceType);
}

/** NAT gateways each VPC gets; the Terraform uses one per VPC (single_nat_gateway). */
export const NAT_GATEWAYS_PER_VPC = 1;

/**
 * Computes the vCPUs of every node group at its maximum size, because the
 * autoscaler may reach it. Rejects types outside the standard families.
 */
function vcpuRequirement(clusters: readonly Cluster[]): QuotaRequirement {
  let vcpus = 0;
  const parts: string[] = [];
  for (const cluster of clusters) {
    for (const [name, group] of Object.entries(cluster.nodeGroups)) {
      const each = vcpusOf(group.instanceType);
      if (each === undefined || !isStandardFamily(group.instanceType)) {
        throw new Error(
          `node group ${cluster.name}/${name}: instance type "${group.instanceType}" is not a known standard type; use a size such as m7i.4xlarge`,
        );
      }
      vcpus += each * group.maxSize;
      parts.push(`${cluster.name}/${name} ${group.maxSize} x ${group.instanceType} (${each})`);
    }
  }
  return {
    service: 'ec2',
    code: 'L-1216C47A',
    name: 'Running On-Demand Standard instances (vCPUs)',
    required: vcpus,
    basis: parts.join(' + '),
  };
}

function networkRequirements(vpcs: number): QuotaRequirement[] {
  return [
    {
      service: 'vpc',
      code: 'L-F678F1CE',
      name: 'VPCs per Region',
      required: vpcs,
      basis: 'Mojaloop VPC + k6 VPC',
    },
    {
      service: 'ec2',
      code: 'L-0263D0A3',
      name: 'EC2-VPC Elastic IPs',
      required: vpcs * NAT_GATEWAYS_PER_VPC,
      basis: 'one per NAT gateway',
    },
    {
      service: 'vpc',
      code: 'L-FE5A380F',
      name: 'NAT gateways per Availability Zone',
      required: vpcs * NAT_GATEWAYS_PER_VPC,
      basis: 'both VPCs place their NAT gateway in the first AZ',
    },
  ];
}

/** Computes what the environment needs from each quota; nothing without an aws section. */
export function requiredQuotas(environment: Environment): QuotaRequirement[] {
  const aws = environment.aws;
  if (!aws) {
    return [];
  }
  const clusters = [aws.mojaloopCluster, aws.k6Cluster];
  const requirements: QuotaRequirement[] = [
    vcpuRequirement(clusters),
    ...networkRequirements(clusters.length),
    {
      service: 'eks',
      code: 'L-1194D53C',
      name: 'EKS clusters',
      required: clusters.length,
      basis: 'Mojaloop + k6',
    },
    {
      service: 'rds',
      code: 'L-7B6409FD',
      name: 'RDS DB instances',
      required: 1,
      basis: 'central ledger MySQL',
    },
  ];
  const codebuild = CODEBUILD_QUOTAS[aws.codebuild.computeType];
  if (codebuild) {
    requirements.push({
      service: 'codebuild',
      code: codebuild.code,
      name: codebuild.name,
      required: 1,
      basis: 'phases run one build at a time',
    });
  }
  return requirements;
}

/** Compares requirements with what the account reported. */
export function evaluateQuotas(
  requirements: readonly QuotaRequirement[],
  readings: readonly QuotaReading[],
): QuotaRow[] {
  return requirements.map((requirement) => {
    const reading = readings.find((candidate) => candidate.code === requirement.code);
    if (reading?.limit === undefined) {
      return { ...requirement, short: 0, status: 'unknown' };
    }
    const available = Math.max(0, reading.limit - (reading.used ?? 0));
    const short = Math.max(0, requirement.required - available);
    return { ...requirement, available, short, status: short > 0 ? 'short' : 'ok' };
  });
}

/** Renders the rows as a fixed-width table for the build log. */
export function formatQuotaTable(rows: readonly QuotaRow[]): string {
  const header = ['quota', 'code', 'required', 'available', 'short', 'status'];
  const body = rows.map((row) => [
    row.name,
    row.code,
    String(row.required),
    row.available === undefined ? '?' : String(row.available),
    String(row.short),
    row.status,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...body.map((cells) => cells[column]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...body.map(line)].join('\n');
}

/** Describes each short quota in one line that names the code to raise. */
export function describeShortfalls(rows: readonly QuotaRow[], region: string): string[] {
  return rows
    .filter((row) => row.status === 'short')
    .map(
      (row) =>
        `quota ${row.name} (${row.service} ${row.code}) in ${region}: need ${row.required}, available ${row.available}; ` +
        `request ${row.short} more with: aws service-quotas request-service-quota-increase --service-code ${row.service} --quota-code ${row.code} --desired-value <current limit + ${row.short}>`,
    );
}

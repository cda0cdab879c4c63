import {
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  type EKSClient,
  ListNodegroupsCommand,
} from '@aws-sdk/client-eks';
import { DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { Environment } from '@perfplane/core';
import type { PhaseState } from '@perfplane/store';

export interface Check {
  name: string;
  ok: boolean;
  message: string;
}

export interface FastValidation {
  environment: string;
  ok: boolean;
  /** True when cost-saving mode is on, so zero nodes and a stopped database are expected. */
  costSaving: boolean;
  checks: Check[];
}

export interface FastValidatorOptions {
  eks: EKSClient;
  rds: RDSClient;
  databaseIdentifier: (environment: Environment) => Promise<string>;
  phaseStates: (environment: string) => Promise<PhaseState[]>;
  costSavingOn: (environment: string) => Promise<boolean>;
}

function failure(name: string, error: unknown): Check {
  return { name, ok: false, message: `${(error as Error).name}: ${(error as Error).message}` };
}

/**
 * Checks through the AWS APIs, in seconds, what the phases built: the
 * clusters and their node groups, the database, and that completed phases
 * recorded outputs. It starts no build.
 */
export class FastValidator {
  constructor(private readonly options: FastValidatorOptions) {}

  async validate(env: Environment): Promise<FastValidation> {
    const costSaving = await this.options.costSavingOn(env.name);
    const checks: Check[] = [];
    if (env.aws) {
      for (const cluster of [env.aws.mojaloopCluster.name, env.aws.k6Cluster.name]) {
        checks.push(...(await this.cluster(cluster, costSaving)));
      }
      checks.push(await this.database(env, costSaving));
    }
    checks.push(...(await this.outputs(env.name)));
    return { environment: env.name, ok: checks.every((check) => check.ok), costSaving, checks };
  }

  private async cluster(name: string, costSaving: boolean): Promise<Check[]> {
    const checks: Check[] = [];
    try {
      const output = await this.options.eks.send(new DescribeClusterCommand({ name }));
      const status = output.cluster?.status;
      checks.push({
        name: `cluster ${name}`,
        ok: status === 'ACTIVE',
        message: `status ${status}`,
      });
      if (status !== 'ACTIVE') {
        return checks;
      }
      const groups = await this.options.eks.send(new ListNodegroupsCommand({ clusterName: name }));
      for (const nodegroup of groups.nodegroups ?? []) {
        const described = await this.options.eks.send(
          new DescribeNodegroupCommand({ clusterName: name, nodegroupName: nodegroup }),
        );
        const group = described.nodegroup;
        const desired = group?.scalingConfig?.desiredSize ?? 0;
        const sizeOk = costSaving ? desired === 0 : desired > 0;
        checks.push({
          name: `node group ${name}/${nodegroup}`,
          ok: group?.status === 'ACTIVE' && sizeOk,
          message: `status ${group?.status}, desired ${desired}${costSaving ? ' (cost-saving mode expects 0)' : ''}`,
        });
      }
    } catch (error) {
      checks.push(failure(`cluster ${name}`, error));
    }
    return checks;
  }

  private async database(env: Environment, costSaving: boolean): Promise<Check> {
    const identifier = await this.options.databaseIdentifier(env);
    const name = `database ${identifier}`;
    try {
      const output = await this.options.rds.send(
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }),
      );
      const status = output.DBInstances?.[0]?.DBInstanceStatus;
      const expected = costSaving ? ['stopped', 'stopping'] : ['available'];
      return {
        name,
        ok: expected.includes(status ?? ''),
        message: `status ${status}, expected ${expected.join(' or ')}`,
      };
    } catch (error) {
      return failure(name, error);
    }
  }

  private async outputs(environment: string): Promise<Check[]> {
    const states = await this.options.phaseStates(environment);
    return states
      .filter((state) => state.status === 'completed')
      .map((state) => ({
        name: `outputs of ${state.phaseId}`,
        ok: true,
        message: `${Object.keys(state.outputs).length} recorded: ${Object.keys(state.outputs).sort().join(', ') || 'none'}`,
      }));
  }
}

/** Output key under which 02-infrastructure records its RDS instance identifier. */
export const DATABASE_OUTPUT = 'rds_instance_id';

/** Returns the environment's RDS identifier: the recorded output, else `<environment>-mojaloop`. */
export async function databaseIdentifierFrom(
  phaseStates: (environment: string) => Promise<PhaseState[]>,
  env: Environment,
): Promise<string> {
  const states = await phaseStates(env.name);
  const recorded = states.find((state) => state.phaseId === '02-infrastructure')?.outputs[
    DATABASE_OUTPUT
  ];
  return recorded ?? `${env.name}-mojaloop`;
}

import {
  DescribeNodegroupCommand,
  type EKSClient,
  ListNodegroupsCommand,
  UpdateNodegroupConfigCommand,
} from '@aws-sdk/client-eks';
import {
  DescribeDBInstancesCommand,
  type RDSClient,
  StartDBInstanceCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type Environment, PerfplaneError, type PhaseId } from '@perfplane/core';

/** Node group sizes and subnets as they were before cost-saving mode scaled them to zero. */
export interface SavedNodegroup {
  cluster: string;
  nodegroup: string;
  phase: PhaseId;
  minSize: number;
  maxSize: number;
  desiredSize: number;
  /** Subnets fix the AZs; a restore checks they are unchanged, so nodes return next to their volumes. */
  subnets: string[];
}

/** The table item `ENV#<env>` / `COST_SAVING`. */
export interface CostSavingRecord {
  environment: string;
  mode: 'on' | 'off';
  changedAt: string;
  nodegroups: SavedNodegroup[];
  database?: { identifier: string; stoppedByCostSaving: boolean };
}

export interface CostSavingResult {
  phase: PhaseId;
  outcome: 'done' | 'failed' | 'no-script';
  message: string;
}

/** Reads and writes the cost-saving record, an item the store's table reserves for it. */
export class CostSavingRecords {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(environment: string): Promise<CostSavingRecord | undefined> {
    const output = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `ENV#${environment}`, sk: 'COST_SAVING' },
      }),
    );
    return output.Item?.record as CostSavingRecord | undefined;
  }

  async put(record: CostSavingRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `ENV#${record.environment}`, sk: 'COST_SAVING', record },
      }),
    );
  }
}

export interface CostSaverOptions {
  eks: EKSClient;
  rds: RDSClient;
  records: CostSavingRecords;
  loadEnvironment: (name: string) => Promise<Environment>;
  /** RDS instance identifier of an environment; 02-infrastructure records it as `rds_instance_id`. */
  databaseIdentifier: (environment: Environment) => Promise<string>;
  now?: () => Date;
}

/**
 * Cost-saving mode on AWS. Turning it on scales every node group of both
 * clusters to zero and stops the database, keeping volumes and data. Turning
 * it off starts the database first, because the workloads need it when their
 * nodes return, then restores the recorded sizes.
 */
export class AwsCostSaver {
  constructor(private readonly options: CostSaverOptions) {}

  async apply(environment: string, action: 'on' | 'off'): Promise<CostSavingResult[]> {
    const env = await this.options.loadEnvironment(environment);
    if (!env.aws) {
      throw new PerfplaneError(
        'InvalidArgument',
        `environment "${environment}" has no aws section; cost-saving mode needs AWS resources`,
      );
    }
    return action === 'on' ? this.turnOn(env) : this.turnOff(env);
  }

  /** Stops the database again if RDS restarted it after 7 days while the mode is on. */
  async restopDatabase(environment: string): Promise<CostSavingResult[]> {
    const record = await this.options.records.get(environment);
    if (record?.mode !== 'on' || !record.database) {
      return [];
    }
    return [await this.stopDatabase(record.database.identifier)];
  }

  private clusters(env: Environment): { name: string; phase: PhaseId }[] {
    const aws = env.aws;
    return aws
      ? [
          { name: aws.mojaloopCluster.name, phase: '02-infrastructure' },
          { name: aws.k6Cluster.name, phase: '05-k6-infrastructure' },
        ]
      : [];
  }

  private async turnOn(env: Environment): Promise<CostSavingResult[]> {
    const existing = await this.options.records.get(env.name);
    const saved: SavedNodegroup[] = [];
    for (const cluster of this.clusters(env)) {
      saved.push(...(await this.describeNodegroups(cluster.name, cluster.phase)));
    }
    // Sizes already at zero come from an earlier "on"; keep the sizes recorded then.
    const previous = existing?.mode === 'on' ? existing.nodegroups : [];
    const nodegroups = saved.map((group) => {
      const before = previous.find(
        (item) => item.cluster === group.cluster && item.nodegroup === group.nodegroup,
      );
      return group.desiredSize === 0 && before ? before : group;
    });
    const identifier = await this.options.databaseIdentifier(env);
    // Record before scaling, so a failure halfway can still be reversed.
    await this.options.records.put({
      environment: env.name,
      mode: 'on',
      changedAt: this.now(),
      nodegroups,
      database: { identifier, stoppedByCostSaving: true },
    });
    const results: CostSavingResult[] = [];
    for (const group of nodegroups) {
      results.push(await this.scale(group, { minSize: 0, desiredSize: 0, maxSize: group.maxSize }));
    }
    results.push(await this.stopDatabase(identifier));
    return results;
  }

  private async turnOff(env: Environment): Promise<CostSavingResult[]> {
    const record = await this.options.records.get(env.name);
    if (record?.mode !== 'on') {
      return [
        {
          phase: '02-infrastructure',
          outcome: 'done',
          message: 'cost-saving mode is not on; nothing to restore',
        },
      ];
    }
    const results: CostSavingResult[] = [];
    if (record.database) {
      results.push(await this.startDatabase(record.database.identifier));
    }
    for (const group of record.nodegroups) {
      results.push(await this.restore(group));
    }
    await this.options.records.put({ ...record, mode: 'off', changedAt: this.now() });
    return results;
  }

  private async describeNodegroups(cluster: string, phase: PhaseId): Promise<SavedNodegroup[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < 20; page += 1) {
      const output = await this.options.eks.send(
        new ListNodegroupsCommand({ clusterName: cluster, nextToken }),
      );
      names.push(...(output.nodegroups ?? []));
      nextToken = output.nextToken;
      if (!nextToken) {
        break;
      }
    }
    const groups: SavedNodegroup[] = [];
    for (const nodegroup of names) {
      const output = await this.options.eks.send(
        new DescribeNodegroupCommand({ clusterName: cluster, nodegroupName: nodegroup }),
      );
      const scaling = output.nodegroup?.scalingConfig;
      groups.push({
        cluster,
        nodegroup,
        phase,
        minSize: scaling?.minSize ?? 0,
        maxSize: scaling?.maxSize ?? 1,
        desiredSize: scaling?.desiredSize ?? 0,
        subnets: [...(output.nodegroup?.subnets ?? [])].sort(),
      });
    }
    return groups;
  }

  private async scale(
    group: SavedNodegroup,
    scalingConfig: { minSize: number; desiredSize: number; maxSize: number },
  ): Promise<CostSavingResult> {
    try {
      await this.options.eks.send(
        new UpdateNodegroupConfigCommand({
          clusterName: group.cluster,
          nodegroupName: group.nodegroup,
          scalingConfig,
        }),
      );
      return {
        phase: group.phase,
        outcome: 'done',
        message: `${group.cluster}/${group.nodegroup} scaled to ${scalingConfig.desiredSize}`,
      };
    } catch (error) {
      return {
        phase: group.phase,
        outcome: 'failed',
        message: `${group.cluster}/${group.nodegroup}: ${(error as Error).message}`,
      };
    }
  }

  private async restore(group: SavedNodegroup): Promise<CostSavingResult> {
    const current = await this.options.eks.send(
      new DescribeNodegroupCommand({ clusterName: group.cluster, nodegroupName: group.nodegroup }),
    );
    const subnets = [...(current.nodegroup?.subnets ?? [])].sort();
    if (subnets.join(',') !== group.subnets.join(',')) {
      return {
        phase: group.phase,
        outcome: 'failed',
        message: `${group.cluster}/${group.nodegroup}: subnets changed from ${group.subnets.join(',')} to ${subnets.join(',')}; nodes might not reach their volumes, so it was not scaled up`,
      };
    }
    return this.scale(group, {
      minSize: group.minSize,
      desiredSize: group.desiredSize,
      maxSize: group.maxSize,
    });
  }

  private async databaseStatus(identifier: string): Promise<string | undefined> {
    try {
      const output = await this.options.rds.send(
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }),
      );
      return output.DBInstances?.[0]?.DBInstanceStatus;
    } catch (error) {
      if ((error as Error).name === 'DBInstanceNotFoundFault') {
        return undefined;
      }
      throw error;
    }
  }

  private async stopDatabase(identifier: string): Promise<CostSavingResult> {
    const status = await this.databaseStatus(identifier);
    if (status !== 'available') {
      return {
        phase: '02-infrastructure',
        outcome: 'done',
        message: `database ${identifier} is ${status ?? 'not found'}; not stopped`,
      };
    }
    await this.options.rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: identifier }));
    return {
      phase: '02-infrastructure',
      outcome: 'done',
      message: `database ${identifier} stopping`,
    };
  }

  private async startDatabase(identifier: string): Promise<CostSavingResult> {
    const status = await this.databaseStatus(identifier);
    if (status !== 'stopped') {
      return {
        phase: '02-infrastructure',
        outcome: 'done',
        message: `database ${identifier} is ${status ?? 'not found'}; not started`,
      };
    }
    await this.options.rds.send(new StartDBInstanceCommand({ DBInstanceIdentifier: identifier }));
    return {
      phase: '02-infrastructure',
      outcome: 'done',
      message: `database ${identifier} starting`,
    };
  }

  private now(): string {
    return (this.options.now?.() ?? new Date()).toISOString();
  }
}

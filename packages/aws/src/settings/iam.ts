import { PHASE_IDS, type PhaseId } from '@perfplane/core';
import { arnsOf, type DeploymentScope, STATE_MACHINES } from './names.js';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** The Lambdas of one deployment, by the name their function and policy carry. */
export const LAMBDAS = [
  'api',
  'steps',
  'slack',
  'validate',
  'cost-saving',
  'emergency-stop',
  'support-bundle',
  'lock-reaper',
] as const;
export type LambdaName = (typeof LAMBDAS)[number];

/** EKS clusters and RDS instances of the environments this deployment manages. */
export interface ManagedResources {
  clusters: string[];
  /** RDS instance identifiers, or patterns ending in `*`. */
  databases: string[];
}

const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:Query'];
const TABLE_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];

function statement(sid: string, actions: string[], resources: string[]): PolicyStatement {
  return { Sid: sid, Effect: 'Allow', Action: [...actions].sort(), Resource: resources };
}

function document(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * Policy documents of every Lambda, each naming only the actions its handler
 * sends and only this deployment's resources. The tests check both against the
 * SDK commands the handler tests record.
 */
export function lambdaPolicies(
  scope: DeploymentScope,
  managed: ManagedResources,
): Record<LambdaName, PolicyDocument> {
  const arn = arnsOf(scope);
  const table = [arn.table, arn.tableIndexes];
  const machines = STATE_MACHINES.map((machine) => arn.stateMachine(machine));
  const executions = STATE_MACHINES.map((machine) => arn.executions(machine));
  const projects = PHASE_IDS.map((phase) => arn.project(phase));
  const buildLogs = PHASE_IDS.map((phase) => arn.buildLogs(phase));
  const clusters = managed.clusters.map((cluster) => arn.eksCluster(cluster));
  const nodegroups = managed.clusters.map((cluster) => arn.eksNodegroups(cluster));
  const databases = managed.databases.map((database) => arn.dbInstance(database));
  const eksRead = ['eks:DescribeCluster', 'eks:DescribeNodegroup', 'eks:ListNodegroups'];

  return {
    api: document(
      statement('Table', [...TABLE_READ, ...TABLE_WRITE], table),
      statement('Artifacts', ['s3:GetObject', 's3:PutObject'], [arn.objects()]),
      statement('ListArtifacts', ['s3:ListBucket'], [arn.bucket]),
      statement('StartExecutions', ['states:StartExecution'], machines),
      statement('Approvals', ['states:SendTaskFailure', 'states:SendTaskSuccess'], machines),
      statement('Executions', ['states:DescribeExecution'], executions),
      statement(
        'Operations',
        ['lambda:InvokeFunction'],
        ['validate', 'cost-saving', 'emergency-stop', 'support-bundle'].map(arn.function),
      ),
    ),
    steps: document(
      statement('Table', [...TABLE_READ, ...TABLE_WRITE], table),
      statement('Outputs', ['s3:GetObject', 's3:PutObject'], [arn.objects('outputs/')]),
      statement('OwnerExecution', ['states:DescribeExecution'], executions),
    ),
    slack: document(
      statement('Work', ['lambda:InvokeFunction'], [arn.function('slack'), arn.function('api')]),
    ),
    validate: document(
      statement('Table', [...TABLE_READ, ...TABLE_WRITE], table),
      statement('Clusters', eksRead, [...clusters, ...nodegroups]),
      statement('Databases', ['rds:DescribeDBInstances'], databases),
      statement('ValidateBuilds', ['states:StartExecution'], [arn.stateMachine('validate')]),
    ),
    'cost-saving': document(
      statement('Table', [...TABLE_READ, ...TABLE_WRITE], table),
      statement('Clusters', eksRead, [...clusters, ...nodegroups]),
      statement('ScaleNodegroups', ['eks:UpdateNodegroupConfig'], nodegroups),
      statement(
        'Databases',
        ['rds:DescribeDBInstances', 'rds:StartDBInstance', 'rds:StopDBInstance'],
        databases,
      ),
      statement('ValidateAfterRestore', ['lambda:InvokeFunction'], [arn.function('validate')]),
    ),
    'emergency-stop': document(
      statement('Table', [...TABLE_READ, ...TABLE_WRITE], table),
      statement('StopExecution', ['states:DescribeExecution', 'states:StopExecution'], executions),
      statement('StopBuilds', ['codebuild:BatchGetBuilds', 'codebuild:StopBuild'], projects),
      statement('DeleteTestRuns', ['codebuild:StartBuild'], [arn.project('07-performance-tests')]),
    ),
    'support-bundle': document(
      statement('Table', TABLE_READ, table),
      statement('History', ['states:GetExecutionHistory'], executions),
      statement('BuildLogs', ['logs:FilterLogEvents'], buildLogs),
      statement('Outputs', ['s3:GetObject'], [arn.objects('outputs/')]),
      statement('ListOutputs', ['s3:ListBucket'], [arn.bucket]),
      statement(
        'Bundles',
        ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        [arn.objects('support-bundles/')],
      ),
    ),
    'lock-reaper': document(
      statement('Table', [...TABLE_READ, ...TABLE_WRITE], table),
      statement('OwnerExecution', ['states:DescribeExecution'], executions),
    ),
  };
}

/** Converts a policy document to the statements SST's `permissions` takes. */
export function toSstPermissions(policy: PolicyDocument) {
  return policy.Statement.map((item) => ({ actions: item.Action, resources: item.Resource }));
}

/**
 * Clusters and databases the Lambdas may touch, from the AWS environments.
 * The database pattern matches the identifier 02-infrastructure records as
 * its `rds_instance_id` output (see databaseIdentifier).
 */
export function managedResources(
  environments: {
    name: string;
    aws?: { mojaloopCluster: { name: string }; k6Cluster: { name: string } };
  }[],
): ManagedResources {
  const clusters: string[] = [];
  const databases: string[] = [];
  for (const environment of environments) {
    if (!environment.aws) {
      continue;
    }
    clusters.push(environment.aws.mojaloopCluster.name, environment.aws.k6Cluster.name);
    databases.push(`${environment.name}-*`);
  }
  return { clusters: [...new Set(clusters)].sort(), databases: databases.sort() };
}

/**
 * Policy of one phase's CodeBuild role for what every phase needs: its own
 * logs, the source archive and its artifacts. The cloud work itself (VPCs,
 * EKS, RDS, Helm) needs more, which sst.config.ts attaches separately.
 */
export function buildRolePolicy(scope: DeploymentScope, phase: PhaseId): PolicyDocument {
  const arn = arnsOf(scope);
  return document(
    statement('Logs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [arn.buildLogs(phase)]),
    statement('Source', ['s3:GetObject', 's3:GetObjectVersion'], [arn.objects('source/')]),
    statement(
      'Artifacts',
      ['s3:GetObject', 's3:PutObject'],
      ['outputs/', 'results/', 'reports/'].map((keyPrefix) => arn.objects(keyPrefix)),
    ),
  );
}

import type { PhaseId } from '@perfplane/core';

/** The three generated state machines, named after their files in statemachines/. */
export const STATE_MACHINES = ['run', 'rollback', 'validate'] as const;
export type StateMachineName = (typeof STATE_MACHINES)[number];

/** Account, region and names of the deployed resources, from which every ARN is derived. */
export interface DeploymentScope {
  partition?: string;
  region: string;
  accountId: string;
  /** `<app>-<stage>`, the start of every resource name of one deployment. */
  prefix: string;
  tableName: string;
  bucketName: string;
}

const PREFIX = /^[a-z][a-z0-9-]{1,40}$/;

/** Checks a deployment prefix, which ends up in project, state machine and schedule names. */
export function assertPrefix(prefix: string): string {
  if (!PREFIX.test(prefix)) {
    throw new Error(
      `invalid deployment prefix "${prefix}": use 2-41 lower-case letters, digits and dashes, starting with a letter`,
    );
  }
  return prefix;
}

export function projectName(prefix: string, phase: PhaseId): string {
  return `${prefix}-${phase}`;
}

export function stateMachineName(prefix: string, machine: StateMachineName): string {
  return `${prefix}-${machine}`;
}

export function functionName(prefix: string, lambda: string): string {
  return `${prefix}-${lambda}`;
}

/** ARN builders for one deployment; names follow the helpers above. */
export function arnsOf(scope: DeploymentScope) {
  const partition = scope.partition ?? 'aws';
  const base = (service: string) =>
    `arn:${partition}:${service}:${scope.region}:${scope.accountId}`;
  const table = `${base('dynamodb')}:table/${scope.tableName}`;
  const bucket = `arn:${partition}:s3:::${scope.bucketName}`;
  return {
    table,
    tableIndexes: `${table}/index/*`,
    bucket,
    objects: (keyPrefix = '') => `${bucket}/${keyPrefix}*`,
    stateMachine: (machine: StateMachineName) =>
      `${base('states')}:stateMachine:${stateMachineName(scope.prefix, machine)}`,
    executions: (machine: StateMachineName) =>
      `${base('states')}:execution:${stateMachineName(scope.prefix, machine)}:*`,
    project: (phase: PhaseId) => `${base('codebuild')}:project/${projectName(scope.prefix, phase)}`,
    buildLogs: (phase: PhaseId) =>
      `${base('logs')}:log-group:/perfplane/${scope.prefix}/codebuild/${phase}:*`,
    function: (lambda: string) =>
      `${base('lambda')}:function:${functionName(scope.prefix, lambda)}`,
    eksCluster: (cluster: string) => `${base('eks')}:cluster/${cluster}`,
    eksNodegroups: (cluster: string) => `${base('eks')}:nodegroup/${cluster}/*/*`,
    dbInstance: (identifier: string) => `${base('rds')}:db:${identifier}`,
  };
}

export type DeploymentArns = ReturnType<typeof arnsOf>;

/** CloudWatch Logs group of a phase's CodeBuild project. */
export function buildLogGroup(prefix: string, phase: PhaseId): string {
  return `/perfplane/${prefix}/codebuild/${phase}`;
}

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ENVIRONMENTS_DIR, type Environment, parseEnvironment } from '@perfplane/core';
import { bucketSettings, type LifecycleRule } from './bucket.js';
import { codeBuildProjects } from './codebuild.js';
import { managedResources } from './iam.js';
import { STATE_MACHINES, type StateMachineName } from './names.js';
import { costSavingSchedules } from './schedules.js';

/** Reads and validates every environments/*.yaml under `root`. */
export function readEnvironments(root: string): Environment[] {
  const folder = path.join(root, ENVIRONMENTS_DIR);
  return readdirSync(folder)
    .filter((entry) => entry.endsWith('.yaml'))
    .sort()
    .map((entry) =>
      parseEnvironment(readFileSync(path.join(folder, entry), 'utf8'), `environments/${entry}`),
    );
}

/** Reads statemachines/<name>.asl.json, naming the command that writes it when missing. */
export function readDefinition(root: string, machine: StateMachineName): string {
  const file = path.join(root, 'statemachines', `${machine}.asl.json`);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(
      `state machine definition ${file} not found: generate it with the state machine generator in packages/core`,
      { cause: error },
    );
  }
}

/** Converts a lifecycle rule to the shape of an S3 BucketLifecycleConfiguration rule. */
export function toS3LifecycleRule(rule: LifecycleRule) {
  return {
    id: rule.id,
    status: 'Enabled',
    filter: { prefix: rule.prefix },
    transitions: rule.transitions.map((transition) => ({
      days: transition.days,
      storageClass: transition.storageClass,
    })),
    ...(rule.expirationDays ? { expiration: { days: rule.expirationDays } } : {}),
    ...(rule.noncurrentVersionExpirationDays
      ? { noncurrentVersionExpiration: { noncurrentDays: rule.noncurrentVersionExpirationDays } }
      : {}),
    abortIncompleteMultipartUpload: {
      daysAfterInitiation: rule.abortIncompleteMultipartUploadDays,
    },
  };
}

/**
 * Everything sst.config.ts creates that can be decided without AWS: the AWS
 * environments, their schedules, the build projects and the resources the
 * Lambdas may touch.
 */
export function deploymentPlan(root: string, prefix: string) {
  const environments = readEnvironments(root).filter(
    (environment) => environment.platform === 'aws',
  );
  return {
    environments,
    bucket: bucketSettings(),
    projects: codeBuildProjects(prefix, environments),
    schedules: environments.flatMap((environment) => costSavingSchedules(prefix, environment)),
    managed: managedResources(environments),
    stateMachines: STATE_MACHINES,
  };
}

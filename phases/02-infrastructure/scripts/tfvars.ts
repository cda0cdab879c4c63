/**
 * Writes the Terraform variables of 02-infrastructure as JSON, from the
 * environment file. Usage:
 *
 *   tsx tfvars.ts ENV RUN_ID [ADMIN_ARN...] [--no-deletion-protection]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Environment, isPerfplaneError, loadEnvironment } from '@perfplane/core';

type Cluster = NonNullable<Environment['aws']>['mojaloopCluster'];

/** Options that do not come from the environment file. */
export interface TfvarsOptions {
  runId: string;
  adminPrincipalArns: string[];
  /** Rollback turns this off before destroying, whatever the environment sets. */
  deletionProtection?: boolean;
}

function clusterVariables(cluster: Cluster) {
  return {
    name: cluster.name,
    kubernetes_version: cluster.kubernetesVersion,
    vpc_cidr: cluster.vpcCidr,
    node_groups: Object.fromEntries(
      Object.entries(cluster.nodeGroups).map(([name, group]) => [
        name,
        {
          instance_type: group.instanceType,
          min_size: group.minSize,
          max_size: group.maxSize,
          desired_size: group.desiredSize,
          disk_gib: group.diskGiB,
        },
      ]),
    ),
  };
}

/** Maps an environment to the variables declared in terraform/variables.tf. */
export function buildTfvars(environment: Environment, options: TfvarsOptions) {
  const aws = environment.aws;
  if (!aws) {
    throw new Error(
      `environment ${environment.name} has no aws section; 02-infrastructure needs one`,
    );
  }
  if (!/^[A-Za-z0-9-]{1,40}$/.test(options.runId)) {
    throw new Error(
      `run id "${options.runId}" must be 1-40 letters, digits or dashes (it names an RDS snapshot)`,
    );
  }
  return {
    environment: environment.name,
    run_id: options.runId,
    region: aws.region,
    tags: environment.tags,
    admin_principal_arns: [...new Set(options.adminPrincipalArns)],
    mojaloop_cluster: clusterVariables(aws.mojaloopCluster),
    k6_cluster: clusterVariables(aws.k6Cluster),
    rds: {
      instance_class: aws.rds.instanceClass,
      allocated_storage_gib: aws.rds.allocatedStorageGiB,
      engine_version: aws.rds.engineVersion,
      multi_az: aws.rds.multiAz,
      deletion_protection: options.deletionProtection ?? aws.rds.deletionProtection,
    },
  };
}

async function main(argv: string[]): Promise<void> {
  const flags = argv.filter((arg) => arg.startsWith('--'));
  const [name, runId, ...admins] = argv.filter((arg) => !arg.startsWith('--'));
  if (!name || !runId) {
    throw new Error('usage: tfvars.ts ENV RUN_ID [ADMIN_ARN...] [--no-deletion-protection]');
  }
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const environment = await loadEnvironment(root, name);
  const options: TfvarsOptions = { runId, adminPrincipalArns: admins };
  if (flags.includes('--no-deletion-protection')) {
    options.deletionProtection = false;
  }
  process.stdout.write(`${JSON.stringify(buildTfvars(environment, options), null, 2)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    const message =
      isPerfplaneError(error) || error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: tfvars: ${message}\n`);
    process.exitCode = 1;
  });
}

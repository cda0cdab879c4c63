import {
  BatchGetBuildsCommand,
  type CodeBuildClient,
  StartBuildCommand,
  StopBuildCommand,
} from '@aws-sdk/client-codebuild';
import { projectName } from '../settings/names.js';

/** Stops CodeBuild builds; a finished or unknown build is left alone. */
export class CodeBuildController {
  constructor(private readonly client: CodeBuildClient) {}

  async stop(buildId: string): Promise<void> {
    const output = await this.client.send(new BatchGetBuildsCommand({ ids: [buildId] }));
    const build = output.builds?.[0];
    if (build?.buildStatus !== 'IN_PROGRESS') {
      return;
    }
    await this.client.send(new StopBuildCommand({ id: buildId }));
  }
}

/** Label that phase 07's k6-operator TestRuns carry, so a stop finds them. */
export const RUN_LABEL = 'perfplane.io/run-id';

/**
 * Buildspec of the job that deletes a run's k6 TestRuns. It runs in the
 * performance-test project, because that project's role and image already
 * reach the k6 cluster with kubectl. The Lambda itself gets no cluster access.
 */
export function testRunCleanupBuildspec(k6Cluster: string): string {
  return [
    'version: 0.2',
    'phases:',
    '  build:',
    '    commands:',
    `      - aws eks update-kubeconfig --name ${k6Cluster}`,
    `      - kubectl delete testruns.k6.io --all-namespaces -l "${RUN_LABEL}=$PERFPLANE_RUN_ID" --ignore-not-found --wait=false`,
    `      - kubectl delete jobs --all-namespaces -l "${RUN_LABEL}=$PERFPLANE_RUN_ID" --ignore-not-found --wait=false`,
    '',
  ].join('\n');
}

/** Starts the TestRun cleanup job for a run and returns its build id. */
export async function startTestRunCleanup(
  client: CodeBuildClient,
  input: { prefix: string; runId: string; environment: string; k6Cluster: string },
): Promise<string | undefined> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(input.runId)) {
    // The id becomes a Kubernetes label value, which allows only these characters.
    throw new Error(`run id "${input.runId}" is not a valid label value`);
  }
  const output = await client.send(
    new StartBuildCommand({
      projectName: projectName(input.prefix, '07-performance-tests'),
      buildspecOverride: testRunCleanupBuildspec(input.k6Cluster),
      timeoutInMinutesOverride: 15,
      environmentVariablesOverride: [
        { name: 'PERFPLANE_ACTION', value: 'stop-load', type: 'PLAINTEXT' },
        { name: 'PERFPLANE_RUN_ID', value: input.runId, type: 'PLAINTEXT' },
        { name: 'PERFPLANE_ENV', value: input.environment, type: 'PLAINTEXT' },
      ],
    }),
  );
  return output.build?.id;
}

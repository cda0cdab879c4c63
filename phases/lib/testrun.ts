/**
 * Builds k6-operator TestRun manifests for the AWS test phases. Every runner
 * writes its raw samples and summary to a hostPath folder of its own
 * (subPathExpr on the pod name), from where the k6-results DaemonSet of
 * 05-k6-infrastructure lets the phase copy them to S3.
 *
 *   tsx testrun.ts NAME CONFIGMAP FILE PARALLELISM [--env K=V]... [--remote-write URL]
 *   tsx testrun.ts --name PREFIX RUN_ID STAGE      prints a unique TestRun name
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Namespace, node label and host folder shared with 05-k6-infrastructure. */
export const K6_NAMESPACE = 'k6';
export const RUNNER_NODE_GROUP = 'runners';
export const RESULTS_HOST_PATH = '/var/lib/perfplane-k6';

export interface TestRunOptions {
  name: string;
  configMap: string;
  file: string;
  parallelism: number;
  env?: Record<string, string>;
  /** Prometheus remote-write URL; adds the experimental-prometheus-rw output. */
  remoteWrite?: string;
}

const NAME = /^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/;

/** Returns a TestRun name unique per run and stage, within the Kubernetes name limit. */
export function testRunName(prefix: string, runId: string, stage: string): string {
  const clean = (value: string) =>
    value
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '');
  const name = [prefix, clean(runId).slice(-16), clean(stage).slice(0, 20)]
    .filter(Boolean)
    .join('-');
  return name.slice(0, 52).replace(/-+$/, '');
}

/** Builds the TestRun object for kubectl apply. */
export function buildTestRun(options: TestRunOptions) {
  if (!NAME.test(options.name)) {
    throw new Error(
      `TestRun name "${options.name}" is not a valid Kubernetes name of at most 52 characters`,
    );
  }
  if (!Number.isInteger(options.parallelism) || options.parallelism < 1) {
    throw new Error(`parallelism ${options.parallelism} must be a positive integer`);
  }
  const outputs = [
    '--out',
    'json=/results/samples.json.gz',
    '--summary-export',
    '/results/summary.json',
  ];
  const env = Object.entries(options.env ?? {}).map(([name, value]) => ({ name, value }));
  if (options.remoteWrite) {
    outputs.push('--out', 'experimental-prometheus-rw');
    env.push({ name: 'K6_PROMETHEUS_RW_SERVER_URL', value: options.remoteWrite });
    env.push({ name: 'K6_PROMETHEUS_RW_TREND_STATS', value: 'p(50),p(95),p(99),max' });
  }
  return {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: {
      name: options.name,
      namespace: K6_NAMESPACE,
      labels: { 'app.kubernetes.io/managed-by': 'perfplane' },
    },
    spec: {
      parallelism: options.parallelism,
      // No cleanup policy: pods stay after the run so the phase can read
      // their state, and the phase deletes the TestRun once results are in S3.
      script: { configMap: { name: options.configMap, file: options.file } },
      arguments: outputs.join(' '),
      separate: true,
      runner: {
        nodeSelector: { 'perfplane.io/node-group': RUNNER_NODE_GROUP },
        env: [
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ...env,
        ],
        volumes: [
          {
            name: 'results',
            hostPath: { path: `${RESULTS_HOST_PATH}/${options.name}`, type: 'DirectoryOrCreate' },
          },
        ],
        volumeMounts: [{ name: 'results', mountPath: '/results', subPathExpr: '$(POD_NAME)' }],
      },
      starter: { nodeSelector: { 'perfplane.io/node-group': RUNNER_NODE_GROUP } },
      initializer: { nodeSelector: { 'perfplane.io/node-group': RUNNER_NODE_GROUP } },
    },
  };
}

function parseArgs(argv: string[]): TestRunOptions {
  const [name, configMap, file, parallelism, ...rest] = argv;
  if (!name || !configMap || !file || !parallelism) {
    throw new Error(
      'usage: testrun.ts NAME CONFIGMAP FILE PARALLELISM [--env K=V]... [--remote-write URL]',
    );
  }
  const env: Record<string, string> = {};
  const options: TestRunOptions = { name, configMap, file, parallelism: Number(parallelism), env };
  for (let index = 0; index < rest.length; index += 2) {
    const flag = rest[index];
    const value = rest[index + 1] ?? '';
    if (flag === '--env' && value.includes('=')) {
      const equals = value.indexOf('=');
      env[value.slice(0, equals)] = value.slice(equals + 1);
    } else if (flag === '--remote-write' && value) {
      options.remoteWrite = value;
    } else {
      throw new Error(`unknown or incomplete option "${flag}"`);
    }
  }
  return options;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  try {
    const argv = process.argv.slice(2);
    if (argv[0] === '--name') {
      process.stdout.write(`${testRunName(argv[1] ?? '', argv[2] ?? '', argv[3] ?? '')}\n`);
    } else {
      process.stdout.write(`${JSON.stringify(buildTestRun(parseArgs(argv)), null, 2)}\n`);
    }
  } catch (error) {
    process.stderr.write(
      `error: testrun: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 2;
  }
}

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { PHASE_IDS, type PhaseId } from './catalog.js';
import { PerfplaneError } from './errors.js';

const phaseIdSchema = z.enum(PHASE_IDS as [PhaseId, ...PhaseId[]]);

const nodeGroupSchema = z.strictObject({
  instanceType: z.string().min(1),
  minSize: z.number().int().min(0),
  maxSize: z.number().int().min(1),
  desiredSize: z.number().int().min(0),
  diskGiB: z.number().int().min(20).default(100),
});

const clusterSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{1,38}$/),
  kubernetesVersion: z.string().regex(/^1\.\d+$/),
  vpcCidr: z.string().regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/),
  nodeGroups: z.record(z.string(), nodeGroupSchema),
});

const loadStageFields = z.strictObject({
  name: z.string().min(1),
  /** Target arrival rate, in transfers a second. */
  rate: z.number().positive(),
  /** Stage length, as a k6 duration such as "30s" or "10m". */
  duration: z.string().regex(/^\d+(ms|s|m|h)$/),
  /** Pre-allocated virtual users for the constant-arrival-rate executor. */
  preAllocatedVUs: z.number().int().positive().optional(),
  maxVUs: z.number().int().positive().optional(),
});

// k6 refuses to start a constant-arrival-rate scenario whose maxVUs is
// below its preAllocatedVUs, so the file is rejected before any phase runs.
const loadStageSchema = loadStageFields.refine(
  (stage) =>
    stage.maxVUs === undefined ||
    stage.preAllocatedVUs === undefined ||
    stage.maxVUs >= stage.preAllocatedVUs,
  {
    message: 'maxVUs must be at least preAllocatedVUs; raise maxVUs or lower preAllocatedVUs',
    path: ['maxVUs'],
  },
);

const targetSchema = z.strictObject({
  /** Completed transfers a second that the sustained stage must reach. */
  tps: z.number().positive(),
  /** End-to-end p95 latency limit, in milliseconds. */
  p95Ms: z.number().positive(),
  /** Largest failed share of transfers, 0 to 1. */
  maxErrorRate: z.number().min(0).max(1),
});

const dfspSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9]{1,29}$/),
  /** Net debit cap, in the currency's major unit. */
  netDebitCap: z.number().positive(),
  initialFunds: z.number().positive(),
  msisdnPrefix: z.string().regex(/^\d{3,8}$/),
});

const awsSchema = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
  accountId: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  stateBucket: z.string().min(3).optional(),
  mojaloopCluster: clusterSchema,
  k6Cluster: clusterSchema,
  rds: z.strictObject({
    instanceClass: z.string().regex(/^db\./),
    allocatedStorageGiB: z.number().int().min(20),
    engineVersion: z.string().min(1),
    multiAz: z.boolean().default(false),
    deletionProtection: z.boolean().default(true),
  }),
  codebuild: z
    .strictObject({
      computeType: z.string().default('BUILD_GENERAL1_MEDIUM'),
      image: z.string().default('aws/codebuild/amazonlinux-x86_64-standard:5.0'),
    })
    .default({
      computeType: 'BUILD_GENERAL1_MEDIUM',
      image: 'aws/codebuild/amazonlinux-x86_64-standard:5.0',
    }),
});

const simulatorSchema = z.strictObject({
  port: z.number().int().min(1024).max(65535),
  /** Added latency per hop, in milliseconds. */
  latencyMs: z.number().min(0).default(0),
  /** Share of transfers the simulator fails on purpose, 0 to 1. */
  errorRate: z.number().min(0).max(1).default(0),
});

const costSavingSchema = z.strictObject({
  /** Cron expressions in the EventBridge Scheduler syntax. */
  stopSchedule: z.string().min(1).optional(),
  startSchedule: z.string().min(1).optional(),
  timezone: z.string().min(1).default('UTC'),
});

/** The contents of environments/<name>.yaml. */
export const environmentSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/),
  description: z.string().optional(),
  /** Platform the phases run on: this machine against the simulator, or AWS. */
  platform: z.enum(['rehearsal', 'aws']),
  /**
   * Phases this environment does not run itself, with the reason. They are
   * recorded as skipped with that reason and still validated.
   */
  provided: z.partialRecord(phaseIdSchema, z.string().min(1)).default({}),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('USD'),
  dfsps: z.array(dfspSchema).min(2),
  /** Transfer API the load test drives. */
  transferApi: z.enum(['sdk-outbound', 'fspiop']).default('sdk-outbound'),
  security: z
    .strictObject({ mtls: z.boolean().default(false), jws: z.boolean().default(false) })
    .default({ mtls: false, jws: false }),
  target: targetSchema,
  smoke: z.strictObject({ rate: z.number().positive(), duration: z.string() }),
  ladder: z.array(loadStageSchema).min(1),
  k6: z
    .strictObject({
      version: z.string().regex(/^v\d+\.\d+\.\d+$/),
      parallelRunners: z.number().int().min(1).default(1),
      prometheusRemoteWrite: z.string().url().optional(),
    })
    .default({ version: 'v1.4.2', parallelRunners: 1 }),
  /**
   * Expected minutes per phase for the progress estimate until this
   * environment has finished deploys of its own; defaults come from the catalog.
   */
  expectedMinutes: z.partialRecord(phaseIdSchema, z.number().positive()).default({}),
  /** Build timeout per phase action, in minutes; defaults come from the catalog. */
  buildTimeoutMinutes: z
    .partialRecord(phaseIdSchema, z.number().int().min(1).max(2160))
    .default({}),
  simulator: simulatorSchema.optional(),
  aws: awsSchema.optional(),
  costSaving: costSavingSchema.optional(),
  tags: z.record(z.string(), z.string()).default({}),
});

export type Environment = z.infer<typeof environmentSchema>;

/** Folder holding environments/<name>.yaml, relative to the repository root. */
export const ENVIRONMENTS_DIR = 'environments';

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  return `field "${field}": ${issue.message}`;
}

/**
 * Parses and validates the text of an environment file. Errors name the
 * file, the field, what was found and what is expected.
 */
export function parseEnvironment(text: string, file: string): Environment {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    throw new PerfplaneError(
      'InvalidEnvironment',
      `${file}: malformed YAML: ${first?.message.split('\n')[0]}. Fix the syntax and retry.`,
      { details: { file } },
    );
  }
  const result = environmentSchema.safeParse(document.toJS());
  if (!result.success) {
    const problems = result.error.issues.map(describeIssue);
    throw new PerfplaneError('InvalidEnvironment', `${file}: ${problems.join('; ')}`, {
      details: { file, problems },
    });
  }
  const environment = result.data;
  const expectedName = path.basename(file).replace(/\.ya?ml$/, '');
  if (environment.name !== expectedName) {
    throw new PerfplaneError(
      'InvalidEnvironment',
      `${file}: field "name": found "${environment.name}", expected "${expectedName}" to match the file name`,
      { details: { file } },
    );
  }
  if (environment.platform === 'aws' && !environment.aws) {
    throw new PerfplaneError(
      'InvalidEnvironment',
      `${file}: field "aws": missing; an environment with platform "aws" needs an aws section`,
      { details: { file } },
    );
  }
  if (environment.platform === 'rehearsal' && !environment.simulator) {
    throw new PerfplaneError(
      'InvalidEnvironment',
      `${file}: field "simulator": missing; platform "rehearsal" needs a simulator section`,
      { details: { file } },
    );
  }
  return environment;
}

/** Lists environment names found in `root`/environments. */
export async function listEnvironments(root: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const entries = await readdir(path.join(root, ENVIRONMENTS_DIR)).catch(() => []);
  return entries
    .filter((entry) => entry.endsWith('.yaml'))
    .map((entry) => entry.slice(0, -'.yaml'.length))
    .sort();
}

/** Reads environments/<name>.yaml under `root` and validates it. */
export async function loadEnvironment(root: string, name: string): Promise<Environment> {
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(name)) {
    throw new PerfplaneError(
      'UnknownEnvironment',
      `invalid environment name "${name}": use lower-case letters, digits and dashes`,
    );
  }
  const file = path.join(root, ENVIRONMENTS_DIR, `${name}.yaml`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const known = await listEnvironments(root);
    throw new PerfplaneError(
      'UnknownEnvironment',
      `unknown environment "${name}": ${file} not found; known environments: ${known.join(', ') || 'none'}`,
      { cause: error },
    );
  }
  return parseEnvironment(text, path.relative(root, file) || file);
}

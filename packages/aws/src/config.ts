import { z } from 'zod';

const configSchema = z.object({
  PERFPLANE_PREFIX: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
  PERFPLANE_TABLE: z.string().min(3),
  PERFPLANE_BUCKET: z.string().min(3),
  PERFPLANE_ACCOUNT_ID: z.string().regex(/^\d{12}$/),
  PERFPLANE_ENVIRONMENTS: z.string().regex(/^([a-z][a-z0-9-]{0,30})(,[a-z][a-z0-9-]{0,30})*$/),
  AWS_REGION: z.string().min(1),
  /** Folder holding environments/; the Lambda's task root, where sst copies it. */
  LAMBDA_TASK_ROOT: z.string().min(1).default('.'),
  AWS_LAMBDA_FUNCTION_NAME: z.string().optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
});

export interface LambdaConfig {
  prefix: string;
  tableName: string;
  bucketName: string;
  accountId: string;
  region: string;
  environments: string[];
  root: string;
  functionName?: string;
  slackSigningSecret?: string;
}

/**
 * Reads the Lambda's settings from its environment once, at cold start. A
 * missing or malformed variable fails the start and is named in the error.
 */
export function readConfig(env: Record<string, string | undefined> = process.env): LambdaConfig {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new Error(
      `invalid Lambda environment: ${problems.join('; ')}; sst.config.ts sets these variables`,
    );
  }
  const value = result.data;
  return {
    prefix: value.PERFPLANE_PREFIX,
    tableName: value.PERFPLANE_TABLE,
    bucketName: value.PERFPLANE_BUCKET,
    accountId: value.PERFPLANE_ACCOUNT_ID,
    region: value.AWS_REGION,
    environments: value.PERFPLANE_ENVIRONMENTS.split(','),
    root: value.LAMBDA_TASK_ROOT,
    functionName: value.AWS_LAMBDA_FUNCTION_NAME,
    slackSigningSecret: value.SLACK_SIGNING_SECRET,
  };
}

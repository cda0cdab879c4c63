import { readFile } from 'node:fs/promises';
import { PerfplaneError } from '@perfplane/core';
import { parseDocument } from 'yaml';
import { z } from 'zod';

const commandList = z.array(z.string().min(1));

const phaseSchema = z.strictObject({
  'run-as': z.string().optional(),
  'on-failure': z.enum(['ABORT', 'CONTINUE']).default('ABORT'),
  'runtime-versions': z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  commands: commandList.default([]),
  finally: commandList.default([]),
});

/** The CodeBuild buildspec subset the local build runner executes (version 0.2). */
export const buildspecSchema = z.strictObject({
  version: z.union([z.literal(0.2), z.literal('0.2')]),
  'run-as': z.string().optional(),
  env: z
    .strictObject({
      shell: z.literal('bash').optional(),
      variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
      'parameter-store': z.record(z.string(), z.string()).optional(),
      'secrets-manager': z.record(z.string(), z.string()).optional(),
      'exported-variables': z.array(z.string()).optional(),
    })
    .default({ variables: {} }),
  phases: z
    .strictObject({
      install: phaseSchema.optional(),
      pre_build: phaseSchema.optional(),
      build: phaseSchema.optional(),
      post_build: phaseSchema.optional(),
    })
    .refine((phases) => Object.values(phases).some((phase) => phase !== undefined), {
      message: 'at least one of install, pre_build, build, post_build is required',
    }),
  artifacts: z
    .strictObject({
      files: z.array(z.string()).default([]),
      'base-directory': z.string().optional(),
      'discard-paths': z.union([z.boolean(), z.enum(['yes', 'no'])]).optional(),
      name: z.string().optional(),
    })
    .optional(),
  reports: z.record(z.string(), z.unknown()).optional(),
  cache: z.record(z.string(), z.unknown()).optional(),
});

export type Buildspec = z.infer<typeof buildspecSchema>;
export type BuildPhaseName = 'install' | 'pre_build' | 'build' | 'post_build';
export const BUILD_PHASES: readonly BuildPhaseName[] = [
  'install',
  'pre_build',
  'build',
  'post_build',
];

/** Parses buildspec text; errors name the file and the field. */
export function parseBuildspec(text: string, file: string): Buildspec {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    const first = document.errors[0]?.message.split('\n')[0];
    throw new PerfplaneError('InvalidBuildspec', `${file}: malformed YAML: ${first}`, {
      details: { file },
    });
  }
  const result = buildspecSchema.safeParse(document.toJS());
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const field = issue.path.join('.') || '(top level)';
      return `field "${field}": ${issue.message}`;
    });
    throw new PerfplaneError('InvalidBuildspec', `${file}: ${problems.join('; ')}`, {
      details: { file, problems },
    });
  }
  return result.data;
}

export async function loadBuildspec(file: string): Promise<Buildspec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PerfplaneError('InvalidBuildspec', `${file}: buildspec not found`, {
      cause: error,
      details: { file },
    });
  }
  return parseBuildspec(text, file);
}

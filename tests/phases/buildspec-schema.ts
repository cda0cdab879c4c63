import { z } from 'zod';

/**
 * The parts of the CodeBuild buildspec 0.2 format perfplane uses, checked
 * strictly so a misspelt key fails instead of being ignored by CodeBuild.
 * Keys from the CodeBuild buildspec reference: version, run-as, env
 * (shell, variables, parameter-store, secrets-manager, exported-variables,
 * git-credential-helper), phases (install, pre_build, build, post_build
 * with run-as, on-failure, runtime-versions, commands, finally), reports,
 * artifacts and cache.
 */
const commandList = z.array(z.string().min(1)).min(1);

const phase = z.strictObject({
  'run-as': z.string().optional(),
  'on-failure': z.enum(['ABORT', 'CONTINUE', 'RETRY']).optional(),
  'runtime-versions': z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  commands: commandList,
  finally: commandList.optional(),
});

export const buildspecSchema = z.strictObject({
  version: z.literal(0.2),
  'run-as': z.string().optional(),
  env: z
    .strictObject({
      shell: z.enum(['bash', '/bin/sh', 'sh', 'powershell.exe', 'cmd.exe', 'pwsh.exe']).optional(),
      variables: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).optional(),
      'parameter-store': z.record(z.string(), z.string()).optional(),
      'secrets-manager': z.record(z.string(), z.string()).optional(),
      'exported-variables': z.array(z.string()).optional(),
      'git-credential-helper': z.enum(['yes', 'no']).optional(),
    })
    .optional(),
  phases: z.strictObject({
    install: phase.optional(),
    pre_build: phase.optional(),
    build: phase,
    post_build: phase.optional(),
  }),
  reports: z.record(z.string(), z.unknown()).optional(),
  artifacts: z.record(z.string(), z.unknown()).optional(),
  cache: z.record(z.string(), z.unknown()).optional(),
});

export type Buildspec = z.infer<typeof buildspecSchema>;

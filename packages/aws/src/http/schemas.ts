import { PHASE_IDS, type PhaseId } from '@perfplane/core';
import { z } from 'zod';

/** Largest request body the API accepts, in bytes; every documented body is far smaller. */
export const MAX_BODY_BYTES = 16 * 1024;

export const environmentName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}$/, 'use lower-case letters, digits and dashes, up to 31');
export const phaseId = z.enum(PHASE_IDS as [PhaseId, ...PhaseId[]]);
export const runId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'use letters, digits, dot, dash, underscore');

/**
 * Name of a support bundle or report: one path segment, so no slash,
 * backslash, leading dot or `..` can reach another key or folder.
 */
export const artifactName = z
  .string()
  .max(100)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/,
    'must be one file name of letters, digits, dash, underscore and single dots',
  );

export const startRunBody = z.strictObject({
  phases: z
    .array(phaseId)
    .min(1)
    .refine((phases) => new Set(phases).size === phases.length, 'phases must not repeat')
    .optional(),
  interactive: z.boolean().optional(),
});

export const emptyBody = z.strictObject({});

export const rollbackBody = z
  .strictObject({
    phase: phaseId.optional(),
    cascade: z.boolean().optional(),
    all: z.boolean().optional(),
    confirm: z.boolean().optional(),
  })
  .refine((body) => (body.phase !== undefined) !== (body.all === true), {
    message: 'give either "phase" or "all": true',
  });

export const skipBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });

export const validateBody = z.strictObject({ detailed: z.boolean().optional() });

export const emergencyStopBody = z.strictObject({ reason: z.string().max(500).optional() });

export const costSavingBody = z.strictObject({
  action: z.enum(['on', 'off']),
  retainData: z.boolean().optional(),
});

export const supportBundleBody = z.strictObject({
  /** File name the download link saves the bundle as. */
  name: artifactName.optional(),
});

export const approvalBody = z.strictObject({
  phase: phaseId,
  action: z.enum(['deploy', 'validate', 'rollback']),
  approved: z.boolean(),
});

export const reportQuery = z.strictObject({ name: artifactName.optional() });
export const noQuery = z.strictObject({});

export const errorBody = z.strictObject({
  error: z.strictObject({ code: z.string(), message: z.string() }),
});

import { type Environment, PHASES, type Phase, type PhaseId } from '@perfplane/core';
import { buildLogGroup, projectName } from './names.js';

/** CodeBuild's own bounds on a build timeout, in minutes. */
export const BUILD_TIMEOUT_BOUNDS = { min: 5, max: 2160 } as const;

const DEFAULT_IMAGE = 'aws/codebuild/amazonlinux-x86_64-standard:5.0';
const DEFAULT_COMPUTE = 'BUILD_GENERAL1_MEDIUM';

export interface ProjectSettings {
  phase: PhaseId;
  name: string;
  description: string;
  buildspec: string;
  image: string;
  computeType: string;
  /** Build timeout in minutes: the environment's override, else the catalog's max duration. */
  timeoutInMinutes: number;
  /** Minutes a build may wait in the queue before CodeBuild drops it. */
  queuedTimeoutInMinutes: number;
  logGroup: string;
  logRetentionDays: number;
  /** Needed by the phases that run docker builds. */
  privilegedMode: boolean;
}

/** Timeout of one phase's builds, clamped to what CodeBuild accepts. */
export function buildTimeout(phase: Phase, environment?: Pick<Environment, 'buildTimeoutMinutes'>) {
  const minutes = environment?.buildTimeoutMinutes?.[phase.id] ?? phase.expected.maxMinutes;
  return Math.min(BUILD_TIMEOUT_BOUNDS.max, Math.max(BUILD_TIMEOUT_BOUNDS.min, minutes));
}

/**
 * Settings of the CodeBuild project of every phase. A deployment serves one
 * environment's sizing, so the image, compute type and timeout overrides come
 * from that environment when it is given.
 */
export function codeBuildProjects(prefix: string, environment?: Environment): ProjectSettings[] {
  const image = environment?.aws?.codebuild.image ?? DEFAULT_IMAGE;
  const computeType = environment?.aws?.codebuild.computeType ?? DEFAULT_COMPUTE;
  return PHASES.map((phase) => ({
    phase: phase.id,
    name: projectName(prefix, phase.id),
    description: `perfplane ${phase.id}: deploy, validate and roll back (${phase.validates})`,
    buildspec: `buildspecs/${phase.id}.yml`,
    image,
    computeType,
    timeoutInMinutes: buildTimeout(phase, environment),
    queuedTimeoutInMinutes: 60,
    logGroup: buildLogGroup(prefix, phase.id),
    logRetentionDays: 90,
    privilegedMode: false,
  }));
}

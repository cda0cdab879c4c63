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

/**
 * Timeout of one phase's builds: the largest override among the environments,
 * else the catalog's max duration, clamped to what CodeBuild accepts.
 */
export function buildTimeout(
  phase: Phase,
  environments: readonly Pick<Environment, 'buildTimeoutMinutes'>[] = [],
): number {
  const overrides = environments
    .map((environment) => environment.buildTimeoutMinutes?.[phase.id])
    .filter((minutes): minutes is number => minutes !== undefined);
  const minutes = overrides.length > 0 ? Math.max(...overrides) : phase.expected.maxMinutes;
  return Math.min(BUILD_TIMEOUT_BOUNDS.max, Math.max(BUILD_TIMEOUT_BOUNDS.min, minutes));
}

/**
 * Settings of the CodeBuild project of every phase. The projects serve every
 * AWS environment of the deployment, so a timeout is the largest any of them
 * requests, and the image and compute type come from the first one.
 */
export function codeBuildProjects(
  prefix: string,
  environments: readonly Environment[] = [],
): ProjectSettings[] {
  const first = environments.find((environment) => environment.aws);
  const image = first?.aws?.codebuild.image ?? DEFAULT_IMAGE;
  const computeType = first?.aws?.codebuild.computeType ?? DEFAULT_COMPUTE;
  return PHASES.map((phase) => ({
    phase: phase.id,
    name: projectName(prefix, phase.id),
    description: `perfplane ${phase.id}: deploy, validate and roll back (${phase.validates})`,
    buildspec: `buildspecs/${phase.id}.yml`,
    image,
    computeType,
    timeoutInMinutes: buildTimeout(phase, environments),
    queuedTimeoutInMinutes: 60,
    logGroup: buildLogGroup(prefix, phase.id),
    logRetentionDays: 90,
    privilegedMode: false,
  }));
}

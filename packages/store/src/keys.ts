import { randomBytes } from 'node:crypto';
import { isPhaseId, PerfplaneError, type PhaseId } from '@perfplane/core';

// Key layout of the state table. `#` separates key parts, so no id may contain it.

export interface ItemKey {
  pk: string;
  sk: string;
}

export const runKey = (runId: string): ItemKey => ({ pk: `RUN#${runId}`, sk: 'RUN' });
export const runIndexKey = (environment: string, createdAt: string, runId: string) => ({
  gsi1pk: `ENV#${environment}`,
  gsi1sk: `RUN#${createdAt}#${runId}`,
});
export const phaseStateKey = (environment: string, phaseId: PhaseId): ItemKey => ({
  pk: `ENV#${environment}`,
  sk: `PHASE#${phaseId}`,
});
export const lockKey = (environment: string): ItemKey => ({ pk: `ENV#${environment}`, sk: 'LOCK' });
export const eventKey = (runId: string, at: string, sequence: string): ItemKey => ({
  pk: `RUN#${runId}`,
  sk: `EVENT#${at}#${sequence}`,
});
export const durationKey = (environment: string, phaseId: PhaseId, endedAt: string): ItemKey => ({
  pk: `ENV#${environment}`,
  sk: `DURATION#${phaseId}#${endedAt}`,
});

export const ENV_PARTITION = (environment: string) => `ENV#${environment}`;
export const RUN_PARTITION = (runId: string) => `RUN#${runId}`;

const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

export function assertEnvironment(environment: string): void {
  if (!ENVIRONMENT_NAME.test(environment)) {
    throw new PerfplaneError(
      'InvalidArgument',
      `invalid environment name "${environment}": use 1 to 31 lower-case letters, digits and dashes, starting with a letter`,
    );
  }
}

export function assertRunId(runId: string): void {
  if (!RUN_ID.test(runId)) {
    throw new PerfplaneError(
      'InvalidArgument',
      `invalid run id "${runId}": use up to 80 letters, digits, '.', '_', ':' or '-', starting with a letter or digit`,
    );
  }
}

export function assertPhaseId(phaseId: string): asserts phaseId is PhaseId {
  if (!isPhaseId(phaseId)) {
    throw new PerfplaneError(
      'UnknownPhase',
      `unknown phase "${phaseId}": expected a catalog id such as 01-prerequisites`,
    );
  }
}

/** Rejects anything but an ISO 8601 UTC timestamp such as 2026-01-31T12:00:00.000Z. */
export function assertTimestamp(value: string, field: string): void {
  if (!ISO_UTC.test(value) || Number.isNaN(Date.parse(value))) {
    throw new PerfplaneError(
      'InvalidArgument',
      `invalid ${field} "${value}": expected an ISO 8601 UTC time such as 2026-01-31T12:00:00.000Z`,
    );
  }
}

/** Creates a run id that sorts by creation time, such as `run-20260131T120000Z-3f9a1c`. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

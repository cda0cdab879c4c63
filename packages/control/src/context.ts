import { randomUUID } from 'node:crypto';
import {
  type Environment,
  isRunFinished,
  PerfplaneError,
  type Phase,
  resolvePhase,
} from '@perfplane/core';
import type { ControlDeps, RunRecord, Store } from './ports.js';

/** Lease of the environment lock; a crashed owner is reclaimed earlier once its run has ended. */
export const LOCK_LEASE_SECONDS = 12 * 3600;

export function nowIso(deps: ControlDeps): string {
  return (deps.now?.() ?? new Date()).toISOString();
}

/** Returns a sortable run id: the start time followed by a random suffix. */
export function newRunId(deps: ControlDeps): string {
  if (deps.newId) {
    return deps.newId();
  }
  const stamp = nowIso(deps).replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${stamp}-${randomUUID().slice(0, 8)}`;
}

export function phaseFromInput(input: string): Phase {
  const phase = resolvePhase(input);
  if (!phase) {
    throw new PerfplaneError(
      'UnknownPhase',
      `unknown phase "${input}": use an id such as 04-mojaloop, a number such as 4, or a name such as mojaloop`,
    );
  }
  return phase;
}

export async function environmentFromInput(
  deps: ControlDeps,
  name: string,
): Promise<Environment> {
  return deps.loadEnvironment(name);
}

/** Returns the run that holds the environment lock while it has not finished. */
export async function activeRun(store: Store, environment: string): Promise<RunRecord | undefined> {
  const lock = await store.getLock(environment);
  if (lock.owner) {
    const owner = await store.getRun(lock.owner);
    if (owner && !isRunFinished(owner.status)) {
      return owner;
    }
  }
  const [latest] = await store.listRuns(environment, 1);
  if (latest && !isRunFinished(latest.status) && latest.kind !== 'validate') {
    return latest;
  }
  return undefined;
}

/** Raises LockHeld naming the run that holds the environment and since when. */
export async function assertEnvironmentFree(store: Store, environment: string): Promise<void> {
  const holder = await activeRun(store, environment);
  if (!holder) {
    return;
  }
  const lock = await store.getLock(environment);
  const since = lock.owner === holder.runId ? lock.acquiredAt : holder.startedAt;
  throw new PerfplaneError(
    'LockHeld',
    `environment "${environment}" is locked by run ${holder.runId} (${holder.kind}, ${holder.status}) since ${since ?? holder.startedAt}; wait for it with \`perfplane show-progress --watch\` or stop it with \`perfplane emergency-stop\``,
    { details: { holder: holder.runId, since } },
  );
}

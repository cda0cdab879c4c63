import { randomUUID } from 'node:crypto';
import { isRunFinished, PerfplaneError, type Phase, resolvePhase } from '@perfplane/core';
import type { ControlDeps, LockState, MachineName, Run, Store } from './ports.js';

/**
 * Lease of the environment lock, in milliseconds. A holder that crashed is
 * reclaimed sooner, as soon as its run is recorded as ended.
 */
export const LOCK_LEASE_MS = 12 * 3600 * 1000;

export function nowIso(deps: Pick<ControlDeps, 'now'>): string {
  return (deps.now?.() ?? new Date()).toISOString();
}

/**
 * Returns a new run id: the start time, the machine it runs and a random
 * suffix, so ids sort by time and show what kind of run they are.
 */
export function newRunId(kind: MachineName, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${stamp}-${kind}-${randomUUID().slice(0, 8)}`;
}

/** Returns the machine a run id was created for; ids from elsewhere count as deploy runs. */
export function runKind(runId: string): MachineName {
  const match = /^\d{8}T\d{6}-(run|rollback|validate)-/.exec(runId);
  return (match?.[1] as MachineName | undefined) ?? 'run';
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

export async function readLock(store: Store, environment: string): Promise<LockState> {
  return (await store.getLock(environment)) ?? { environment, fence: 0 };
}

/** Returns the run that owns the environment lock, or the newest run when it has not finished. */
export async function activeRun(store: Store, environment: string): Promise<Run | undefined> {
  const lock = await readLock(store, environment);
  if (lock.owner) {
    const owner = await store.getRun(lock.owner);
    if (owner && !isRunFinished(owner.status)) {
      return owner;
    }
  }
  const [latest] = await store.listRuns(environment, 1);
  if (latest && !isRunFinished(latest.status)) {
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
  const lock = await readLock(store, environment);
  const since = (lock.owner === holder.runId ? lock.acquiredAt : undefined) ?? holder.createdAt;
  throw new PerfplaneError(
    'LockHeld',
    `environment "${environment}" is locked by run ${holder.runId} (${holder.status}) since ${since}; watch it with \`perfplane show-progress --watch\` or stop it with \`perfplane emergency-stop\``,
    { details: { holder: holder.runId, since } },
  );
}

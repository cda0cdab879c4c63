import type { Store } from '@perfplane/control';
import { isRunFinished } from '@perfplane/core';
import type { LocalBuildRunner } from './build-runner.js';
import { describeError, type Logger } from './logger.js';

/**
 * Marks runs a killed service left unfinished as interrupted, after killing
 * the process groups of their builds. An interrupted run has ended, so its
 * lock may be reclaimed and `resume` continues it.
 */
export async function recoverInterruptedRuns(parts: {
  store: Store;
  runner: LocalBuildRunner;
  environments: string[];
  logger: Logger;
}): Promise<string[]> {
  const { store, runner, logger } = parts;
  const interrupted: string[] = [];
  const now = new Date().toISOString();
  try {
    for (const environment of parts.environments) {
      for (const run of await store.listRuns(environment, 20)) {
        if (isRunFinished(run.status)) {
          continue;
        }
        try {
          const status = run.status === 'stopping' ? 'stopped' : 'interrupted';
          await store.updateRun(run.runId, {
            status,
            endedAt: now,
            reason: 'the embedded service ended while the run was in progress',
          });
          await store.appendEvent(run.runId, {
            type: status === 'stopped' ? 'run-stopped' : 'run-interrupted',
            message:
              'the embedded service ended while the run was in progress; continue with `perfplane resume`',
          });
          for (const state of await store.getPhaseStates(environment)) {
            if (state.runId === run.runId && ['running', 'rolling-back'].includes(state.status)) {
              await store.updatePhaseState(
                environment,
                state.phaseId,
                { status: 'stopped', endedAt: now, step: 'interrupted' },
                state.fence,
              );
            }
          }
          interrupted.push(run.runId);
          logger('warn', 'run-interrupted', { runId: run.runId, environment });
        } catch (error) {
          logger('error', 'run-interrupted', { runId: run.runId, ...describeError(error) });
        }
      }
    }
  } finally {
    // Builds are killed after their runs are marked, so a step that observes a
    // build fail finds its run already interrupted and records no failure.
    for (const killed of await runner.killLeftovers()) {
      logger('warn', 'leftover-build-killed', killed);
    }
  }
  return interrupted;
}

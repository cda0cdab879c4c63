import { type Phase, rollbackOrder } from '../catalog.js';
import type { StateMachineDefinition, States } from './asl.js';
import {
  acquireLockState,
  failureStates,
  lockNotAcquiredStates,
  mergeStates,
  releaseLockState,
} from './common.js';
import { rollbackStateNames, STATE_NAMES } from './names.js';
import { buildTask, DATA_PATHS, phaseFields, stepTask } from './tasks.js';

/**
 * States of one phase in the rollback machine. The gate decides `run` (roll
 * the phase back) or `pass` (not selected, or nothing deployed to remove).
 */
export function rollbackPhaseStates(phase: Phase, next: string): States {
  const names = rollbackStateNames(phase);
  const onError = STATE_NAMES.recordFailure;
  const phaseAndFence = phaseFields(phase, 'rollback');
  return {
    [names.start]: {
      Type: 'Pass',
      Result: { phase: phase.id },
      ResultPath: '$.current',
      Next: names.check,
    },
    [names.check]: stepTask('gate', {
      fields: phaseAndFence,
      select: { 'decision.$': '$.Payload.decision' },
      resultPath: '$.gate',
      next: names.route,
      catchNext: onError,
    }),
    [names.route]: {
      Type: 'Choice',
      Choices: [
        { Variable: DATA_PATHS.decision, StringEquals: 'run', Next: names.begin },
        { Variable: DATA_PATHS.decision, StringEquals: 'pass', Next: next },
      ],
      Default: STATE_NAMES.invalidDecision,
    },
    [names.begin]: stepTask('beginPhase', {
      fields: phaseAndFence,
      next: names.rollback,
      catchNext: onError,
    }),
    [names.rollback]: buildTask(phase, 'rollback', names.record, onError),
    [names.record]: stepTask('recordPhase', {
      fields: { ...phaseAndFence, 'decision.$': DATA_PATHS.decision },
      next,
      catchNext: onError,
    }),
  };
}

/**
 * Builds the rollback machine: lock, then the phases in reverse dependency
 * order, so a phase is removed before the ones it depends on, then release.
 */
export function rollbackMachine(
  phases: readonly Phase[] = rollbackOrder(),
): StateMachineDefinition {
  const starts = phases.map((phase) => rollbackStateNames(phase).start);
  const phaseStates = phases.map((phase, index) =>
    rollbackPhaseStates(phase, starts[index + 1] ?? STATE_NAMES.releaseLock),
  );
  return {
    Comment: 'perfplane rollback: rolls the selected phases back in reverse dependency order.',
    StartAt: STATE_NAMES.acquireLock,
    States: mergeStates(
      { [STATE_NAMES.acquireLock]: acquireLockState(starts[0] ?? STATE_NAMES.releaseLock) },
      ...phaseStates,
      { [STATE_NAMES.releaseLock]: releaseLockState() },
      failureStates('rollback'),
      lockNotAcquiredStates(),
    ),
  };
}

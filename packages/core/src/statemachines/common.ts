import { PerfplaneError } from '../errors.js';
import type { ChoiceRule, States, TaskState } from './asl.js';
import { STATE_NAMES } from './names.js';
import type { FailureOutcome, PhaseAction } from './steps.js';
import { DATA_PATHS, stepTask } from './tasks.js';

/**
 * Merges groups of states into one map and throws when two groups name a
 * state alike, which would otherwise drop one of them silently.
 */
export function mergeStates(...groups: States[]): States {
  const merged: States = {};
  for (const group of groups) {
    for (const [name, state] of Object.entries(group)) {
      if (name in merged) {
        throw new PerfplaneError(
          'InvalidArgument',
          `duplicate state name "${name}": give each phase in the catalog a distinct title`,
          { details: { stateName: name } },
        );
      }
      merged[name] = state;
    }
  }
  return merged;
}

/** Builds the first state of every machine, which takes the environment lock and keeps its fence at `$.lock`. */
export function acquireLockState(next: string): TaskState {
  return stepTask('acquireLock', {
    select: { 'fence.$': '$.Payload.fence' },
    resultPath: '$.lock',
    next,
    catchNext: STATE_NAMES.lockNotAcquired,
  });
}

/** Builds the Fail state for a run that could not take the lock. Nothing changed, so nothing is recorded. */
export function lockNotAcquiredStates(): States {
  // NOTE: the run item stays `pending` on this path because recording needs the lock.
  // The API that started the execution has to mark the run failed.
  return {
    [STATE_NAMES.lockNotAcquired]: {
      Type: 'Fail',
      ErrorPath: `${DATA_PATHS.error}.Error`,
      Cause: 'The environment lock could not be acquired; another run may hold it.',
    },
  };
}

/** Builds the last state, which frees the lock after every phase completed or passed. */
export function releaseLockState(): TaskState {
  return stepTask('releaseLock', {
    fields: { outcome: 'Succeeded', 'fence.$': DATA_PATHS.fence },
  });
}

const FAIL_STATES: Record<FailureOutcome, string> = {
  PhaseFailed: STATE_NAMES.phaseFailed,
  RequirementsNotMet: STATE_NAMES.requirementsNotMet,
  RunStopped: STATE_NAMES.runStopped,
};

const FAIL_CAUSES: Record<FailureOutcome, string> = {
  PhaseFailed: 'A phase action failed; the run events hold the error.',
  RequirementsNotMet: 'Requirements of a phase are not met; the run events list them.',
  RunStopped: 'The run was stopped or an approval was rejected.',
};

/**
 * States every failure of the run and rollback machines goes through: record
 * the failure of the phase at `$.current.phase`, release the lock, then end
 * with a Fail state whose Error is the outcome the steps handler chose.
 * `action` is the machine's action: deploy for the run machine, rollback for
 * the rollback machine.
 */
export function failureStates(action: PhaseAction): States {
  const states: States = {
    [STATE_NAMES.invalidDecision]: {
      Type: 'Pass',
      Result: {
        Error: 'InvalidGateDecision',
        Cause: 'The gate step returned a decision other than run, pass or validate-only.',
      },
      ResultPath: DATA_PATHS.error,
      Next: STATE_NAMES.recordFailure,
    },
    [STATE_NAMES.recordFailure]: stepTask('recordFailure', {
      fields: {
        'phase.$': DATA_PATHS.currentPhase,
        action,
        'error.$': DATA_PATHS.error,
        'fence.$': DATA_PATHS.fence,
      },
      select: { 'outcome.$': '$.Payload.outcome' },
      resultPath: '$.failure',
      next: STATE_NAMES.releaseLockAfterFailure,
      catchNext: STATE_NAMES.assumePhaseFailed,
      catchResultPath: '$.recordFailureError',
    }),
    // Without a recorded outcome the lock must still be released.
    [STATE_NAMES.assumePhaseFailed]: {
      Type: 'Pass',
      Result: { outcome: 'PhaseFailed' },
      ResultPath: '$.failure',
      Next: STATE_NAMES.releaseLockAfterFailure,
    },
    [STATE_NAMES.releaseLockAfterFailure]: stepTask('releaseLock', {
      fields: { 'outcome.$': DATA_PATHS.outcome, 'fence.$': DATA_PATHS.fence },
      next: STATE_NAMES.routeFailure,
      catchNext: STATE_NAMES.routeFailure,
      catchResultPath: '$.releaseLockError',
    }),
    [STATE_NAMES.routeFailure]: {
      Type: 'Choice',
      Choices: (['RequirementsNotMet', 'RunStopped'] as const).map(
        (outcome): ChoiceRule => ({
          Variable: DATA_PATHS.outcome,
          StringEquals: outcome,
          Next: FAIL_STATES[outcome],
        }),
      ),
      Default: STATE_NAMES.phaseFailed,
    },
  };
  for (const outcome of Object.keys(FAIL_STATES) as FailureOutcome[]) {
    states[FAIL_STATES[outcome]] = { Type: 'Fail', Error: outcome, Cause: FAIL_CAUSES[outcome] };
  }
  return states;
}

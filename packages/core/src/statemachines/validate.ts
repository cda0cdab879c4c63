import { dependencyOrder, type Phase } from '../catalog.js';
import type { StateMachineDefinition, States } from './asl.js';
import {
  acquireLockState,
  lockNotAcquiredStates,
  mergeStates,
  releaseLockState,
} from './common.js';
import { STATE_NAMES, validateStateNames } from './names.js';
import { buildTask, DATA_PATHS, phaseFields, stepTask } from './tasks.js';

/** Path of a validate build's summary, or of its caught error, for the record step. */
const CHECK_PATH = '$.check';

/**
 * States of one phase in the validate machine: the validate build, then a
 * record of its result. A failed build is caught and recorded like a passed
 * one, so the walk goes on to `next`.
 */
export function validatePhaseStates(phase: Phase, next: string): States {
  const names = validateStateNames(phase);
  const build = buildTask(phase, 'validate', names.record, names.record);
  build.ResultPath = CHECK_PATH;
  build.Catch = [{ ErrorEquals: ['States.ALL'], ResultPath: CHECK_PATH, Next: names.record }];
  return {
    [names.validate]: build,
    [names.record]: stepTask('recordValidation', {
      fields: { ...phaseFields(phase, 'validate'), 'result.$': CHECK_PATH },
      next,
      catchNext: STATE_NAMES.releaseLockAfterFailure,
    }),
  };
}

function validationEndStates(): States {
  return {
    [STATE_NAMES.summarizeValidation]: stepTask('summarizeValidation', {
      fields: { 'fence.$': DATA_PATHS.fence },
      select: { 'failed.$': '$.Payload.failed' },
      resultPath: '$.summary',
      next: STATE_NAMES.routeValidation,
      catchNext: STATE_NAMES.releaseLockAfterFailure,
    }),
    [STATE_NAMES.routeValidation]: {
      Type: 'Choice',
      Choices: [
        {
          Variable: '$.summary.failed',
          NumericGreaterThan: 0,
          Next: STATE_NAMES.releaseLockAfterFailedValidation,
        },
      ],
      Default: STATE_NAMES.releaseLock,
    },
    [STATE_NAMES.releaseLock]: releaseLockState(),
    [STATE_NAMES.releaseLockAfterFailedValidation]: stepTask('releaseLock', {
      fields: { outcome: 'PhaseFailed', 'fence.$': DATA_PATHS.fence },
      next: STATE_NAMES.validationFailed,
      catchNext: STATE_NAMES.validationFailed,
      catchResultPath: '$.releaseLockError',
    }),
    [STATE_NAMES.validationFailed]: {
      Type: 'Fail',
      Error: 'PhaseFailed',
      Cause: 'At least one phase failed validation; the run events list them.',
    },
    // A steps-Lambda failure: the results are incomplete, so release and stop.
    [STATE_NAMES.releaseLockAfterFailure]: stepTask('releaseLock', {
      fields: { outcome: 'PhaseFailed', 'fence.$': DATA_PATHS.fence },
      next: STATE_NAMES.validationInterrupted,
      catchNext: STATE_NAMES.validationInterrupted,
      catchResultPath: '$.releaseLockError',
    }),
    [STATE_NAMES.validationInterrupted]: {
      Type: 'Fail',
      ErrorPath: `${DATA_PATHS.error}.Error`,
      Cause: 'Recording a validation result failed; the run events hold what was recorded.',
    },
  };
}

/**
 * Builds the validate machine: lock, every phase's validate build in
 * dependency order with its result recorded, a summary, then release. It
 * fails with PhaseFailed when the summary counts a failed phase.
 */
export function validateMachine(
  phases: readonly Phase[] = dependencyOrder(),
): StateMachineDefinition {
  const firsts = phases.map((phase) => validateStateNames(phase).validate);
  const phaseStates = phases.map((phase, index) =>
    validatePhaseStates(phase, firsts[index + 1] ?? STATE_NAMES.summarizeValidation),
  );
  return {
    Comment: 'perfplane validate: runs every phase validation and records each result.',
    StartAt: STATE_NAMES.acquireLock,
    States: mergeStates(
      { [STATE_NAMES.acquireLock]: acquireLockState(firsts[0] ?? STATE_NAMES.summarizeValidation) },
      ...phaseStates,
      validationEndStates(),
      lockNotAcquiredStates(),
    ),
  };
}

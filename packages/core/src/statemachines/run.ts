import { dependencyOrder, type Phase } from '../catalog.js';
import type { ChoiceRule, StateMachineDefinition, States } from './asl.js';
import {
  acquireLockState,
  failureStates,
  lockNotAcquiredStates,
  mergeStates,
  releaseLockState,
} from './common.js';
import { runStateNames, STATE_NAMES } from './names.js';
import type { GateDecision } from './steps.js';
import { approvalTask, buildTask, DATA_PATHS, phaseFields, stepTask } from './tasks.js';

function decisionIs(decision: GateDecision, next: string): ChoiceRule {
  return { Variable: DATA_PATHS.decision, StringEquals: decision, Next: next };
}

/**
 * States of one phase in the run machine. The gate decides: `run` begins,
 * deploys, validates and records the phase (after an approval in interactive
 * mode), `validate-only` validates and records it as skipped, `pass` goes on
 * to `next`.
 */
export function runPhaseStates(phase: Phase, next: string): States {
  const names = runStateNames(phase);
  const onError = STATE_NAMES.recordFailure;
  const phaseAndFence = phaseFields(phase, 'deploy');
  return {
    // Keeps the phase in the state data, so a failure anywhere in it is recorded against it.
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
        {
          // Checked for presence first, so a run started without the flag is not interactive.
          And: [
            { Variable: DATA_PATHS.decision, StringEquals: 'run' },
            { Variable: '$.interactive', IsPresent: true },
            { Variable: '$.interactive', BooleanEquals: true },
          ],
          Next: names.approve,
        },
        decisionIs('run', names.begin),
        decisionIs('validate-only', names.validate),
        decisionIs('pass', next),
      ],
      Default: STATE_NAMES.invalidDecision,
    },
    [names.approve]: approvalTask(phase, 'deploy', names.begin, onError),
    [names.begin]: stepTask('beginPhase', {
      fields: phaseAndFence,
      next: names.deploy,
      catchNext: onError,
    }),
    [names.deploy]: buildTask(phase, 'deploy', names.validate, onError),
    [names.validate]: buildTask(phase, 'validate', names.record, onError),
    [names.record]: stepTask('recordPhase', {
      fields: { ...phaseAndFence, 'decision.$': DATA_PATHS.decision },
      next,
      catchNext: onError,
    }),
  };
}

/**
 * Builds the run machine: lock, then every catalog phase in dependency order,
 * then release. Input: `{ runId, environment, phases, interactive }`; the gate
 * step passes the phases the run did not select.
 */
export function runMachine(phases: readonly Phase[] = dependencyOrder()): StateMachineDefinition {
  const starts = phases.map((phase) => runStateNames(phase).start);
  const phaseStates = phases.map((phase, index) =>
    runPhaseStates(phase, starts[index + 1] ?? STATE_NAMES.releaseLock),
  );
  return {
    Comment: 'perfplane run: deploys and validates the selected phases in dependency order.',
    StartAt: STATE_NAMES.acquireLock,
    States: mergeStates(
      { [STATE_NAMES.acquireLock]: acquireLockState(starts[0] ?? STATE_NAMES.releaseLock) },
      ...phaseStates,
      { [STATE_NAMES.releaseLock]: releaseLockState() },
      failureStates('deploy'),
      lockNotAcquiredStates(),
    ),
  };
}

import type { PhaseId } from '../catalog.js';

/** A phase action, also the phases/<phaseId>/<action>.sh script the build runs. */
export type PhaseAction = 'deploy' | 'validate' | 'rollback';

export type GateDecision = 'run' | 'pass' | 'validate-only';

/** Outcome of a failed run, also the Error of the Fail state the machine ends in. */
export type FailureOutcome = 'PhaseFailed' | 'RequirementsNotMet' | 'RunStopped';

/** Outcome of a run, passed to `releaseLock` so it can record the run's final status. */
export type RunOutcome = 'Succeeded' | FailureOutcome;

/** The error a Catch stores at `$.error`: the Step Functions error name and cause. */
export interface CaughtError {
  Error: string;
  Cause?: unknown;
}

/** The build summary a build task keeps (ResultSelector), so payloads stay small. */
export interface BuildSummary {
  id: string;
  status: string;
}

interface StepBase {
  runId: string;
  environment: string;
}

interface FencedStep extends StepBase {
  fence: number;
}

interface PhaseStep extends FencedStep {
  phase: PhaseId;
  action: PhaseAction;
}

/**
 * The payload every steps-Lambda task sends, by `step`. The steps handler
 * returns the matching member of StepResult.
 */
export type StepRequest =
  | ({ step: 'acquireLock' } & StepBase)
  | ({ step: 'gate' } & PhaseStep)
  | ({ step: 'beginPhase' } & PhaseStep)
  | ({ step: 'recordPhase'; decision: GateDecision } & PhaseStep)
  | ({ step: 'recordFailure'; error: CaughtError } & PhaseStep)
  | ({ step: 'releaseLock'; outcome: RunOutcome } & FencedStep)
  | ({ step: 'recordValidation'; result: BuildSummary | CaughtError } & PhaseStep)
  | ({ step: 'summarizeValidation' } & FencedStep);

export type StepName = StepRequest['step'];

/** Result of each step. The state machines read only the fields listed here. */
export interface StepResult {
  acquireLock: { fence: number };
  gate: { decision: GateDecision; reason?: string };
  beginPhase: Record<string, unknown>;
  recordPhase: Record<string, unknown>;
  recordFailure: { outcome: FailureOutcome };
  releaseLock: Record<string, unknown>;
  recordValidation: Record<string, unknown>;
  summarizeValidation: { failed: number };
}

/**
 * The payload the approval task sends. A local handler resolves once the
 * approval is stored; on AWS the API calls SendTaskSuccess with `taskToken`.
 * A rejection is a task failure whose error name is `RunStopped`.
 */
export interface ApprovalRequest extends PhaseStep {
  step: 'requestApproval';
  taskToken: string;
}

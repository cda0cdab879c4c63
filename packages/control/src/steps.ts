import { setTimeout as sleep } from 'node:timers/promises';
import {
  findPhase,
  isPhaseDone,
  isRunFinished,
  PerfplaneError,
  type PhaseId,
  type RunStatus,
} from '@perfplane/core';
import { LOCK_LEASE_MS, nowIso, phaseFromInput, readLock } from './context.js';
import type { ControlDeps, PhaseAction, Run } from './ports.js';

export type GateDecision = 'run' | 'pass' | 'validate-only';
export type FailureOutcome = 'PhaseFailed' | 'RequirementsNotMet' | 'RunStopped';
export type RunOutcome = 'Succeeded' | FailureOutcome;

/** The error a Catch stores: the Step Functions error name and its cause. */
export interface CaughtError {
  Error: string;
  Cause?: unknown;
}

/**
 * Payload of a steps task, as the generated state machines send it.
 * TODO: use StepRequest from @perfplane/core once the generator is merged.
 */
export interface StepInput {
  step: string;
  runId: string;
  environment: string;
  phase?: string;
  action?: PhaseAction;
  fence?: number;
  decision?: GateDecision;
  outcome?: RunOutcome;
  error?: CaughtError;
  result?: { id?: string; status?: string } | CaughtError;
}

export interface StepOptions {
  /** Milliseconds between looks at the store while an approval is pending. */
  approvalPollMs?: number;
  /** Maximum wait for an approval, in milliseconds. */
  approvalTimeoutMs?: number;
  /** Ends a pending approval wait, for example when the service shuts down. */
  signal?: AbortSignal;
}

async function requireRun(deps: ControlDeps, runId: string): Promise<Run> {
  const run = await deps.store.getRun(runId);
  if (!run) {
    throw new PerfplaneError('NotFound', `run "${runId}" not found`);
  }
  return run;
}

function assertNotStopping(run: Run): void {
  if (run.status === 'stopping' || run.status === 'stopped') {
    throw new PerfplaneError('RunStopped', `run ${run.runId} was stopped`);
  }
}

function requirePhase(input: StepInput): PhaseId {
  if (!input.phase) {
    throw new PerfplaneError('InvalidArgument', `step ${input.step} needs a phase`);
  }
  return phaseFromInput(input.phase).id;
}

async function fenceOf(deps: ControlDeps, input: StepInput): Promise<number> {
  return input.fence ?? (await readLock(deps.store, input.environment)).fence;
}

async function acquireLock(deps: ControlDeps, input: StepInput): Promise<{ fence: number }> {
  const run = await requireRun(deps, input.runId);
  assertNotStopping(run);
  const grant = await deps.store.acquireLock({
    environment: input.environment,
    owner: input.runId,
    leaseMs: LOCK_LEASE_MS,
  });
  await deps.store.updateRun(
    input.runId,
    { status: 'running', startedAt: run.startedAt ?? nowIso(deps) },
    { fence: grant.fence },
  );
  await deps.store.appendEvent(input.runId, {
    type: grant.reclaimed ? 'lock-reclaimed' : 'lock-acquired',
    message: `fence ${grant.fence}`,
    data: { fence: grant.fence, reclaimed: grant.reclaimed ?? null },
  });
  return { fence: grant.fence };
}

async function gate(
  deps: ControlDeps,
  input: StepInput,
): Promise<{ decision: GateDecision; reason?: string }> {
  const run = await requireRun(deps, input.runId);
  assertNotStopping(run);
  const id = requirePhase(input);
  const action = input.action ?? 'deploy';
  const state = await deps.store.getPhaseState(input.environment, id);
  let result: { decision: GateDecision; reason?: string };
  if (!run.phases.includes(id)) {
    result = { decision: 'pass', reason: 'not selected for this run' };
  } else if (action === 'validate') {
    const deployed = !['not-started', 'rolled-back'].includes(state.status);
    result = deployed ? { decision: 'run' } : { decision: 'pass', reason: 'Not deployed yet' };
  } else if (action === 'rollback') {
    const nothing = ['not-started', 'rolled-back', 'skipped'].includes(state.status);
    result = nothing
      ? { decision: 'pass', reason: `phase is ${state.status}` }
      : { decision: 'run' };
  } else {
    result = await gateDeploy(deps, input, run, id);
  }
  await deps.store.appendEvent(run.runId, {
    type: 'phase-gate',
    phase: id,
    message: `${action}: ${result.decision}${result.reason ? ` (${result.reason})` : ''}`,
    data: { action, ...result },
  });
  return result;
}

async function gateDeploy(
  deps: ControlDeps,
  input: StepInput,
  run: Run,
  id: PhaseId,
): Promise<{ decision: GateDecision; reason?: string }> {
  const env = await deps.loadEnvironment(input.environment);
  const state = await deps.store.getPhaseState(input.environment, id);
  const provided = env.provided[id];
  if (provided !== undefined) {
    await deps.store.updatePhaseState(
      input.environment,
      id,
      { status: 'skipped', reason: provided, runId: run.runId, percent: 100, error: null },
      await fenceOf(deps, input),
    );
    return { decision: 'validate-only', reason: provided };
  }
  if (state.status === 'skipped') {
    return { decision: 'validate-only', reason: state.reason };
  }
  if (state.status === 'completed' && state.runId === run.runId) {
    return { decision: 'pass', reason: 'completed earlier in this run' };
  }
  for (const dep of findPhase(id)?.dependsOn ?? []) {
    const depState = await deps.store.getPhaseState(input.environment, dep);
    if (!isPhaseDone(depState.status) && env.provided[dep] === undefined) {
      throw new PerfplaneError(
        'DependencyNotMet',
        `${id} needs ${dep}, which is ${depState.status}`,
      );
    }
  }
  return { decision: 'run' };
}

async function beginPhase(deps: ControlDeps, input: StepInput): Promise<{ attempt: number }> {
  const run = await requireRun(deps, input.runId);
  assertNotStopping(run);
  const id = requirePhase(input);
  const action = input.action ?? 'deploy';
  const fence = await fenceOf(deps, input);
  // Each phase starts a fresh lease, so a run longer than one lease keeps its lock.
  await deps.store.renewLock({
    environment: input.environment,
    owner: run.runId,
    fence,
    leaseMs: LOCK_LEASE_MS,
  });
  const state = await deps.store.updatePhaseState(
    input.environment,
    id,
    {
      status: action === 'rollback' ? 'rolling-back' : 'running',
      runId: run.runId,
      attempt: 'increment',
      action,
      percent: 0,
      step: 'starting',
      startedAt: nowIso(deps),
      endedAt: null,
      error: null,
      unmet: null,
      ...(action === 'deploy' ? { outputs: {}, reason: null } : {}),
    },
    fence,
  );
  await deps.store.updateRun(run.runId, { currentPhase: id }, { fence });
  await deps.store.appendEvent(run.runId, {
    type: action === 'rollback' ? 'phase-rollback-started' : 'phase-started',
    phase: id,
    message: `${action} attempt ${state.attempt}`,
  });
  return { attempt: state.attempt };
}

async function recordPhase(deps: ControlDeps, input: StepInput): Promise<{ status: string }> {
  const id = requirePhase(input);
  const action = input.action ?? 'deploy';
  const fence = await fenceOf(deps, input);
  const state = await deps.store.getPhaseState(input.environment, id);
  const endedAt = nowIso(deps);
  if (action === 'rollback') {
    await deps.store.updatePhaseState(
      input.environment,
      id,
      { status: 'rolled-back', endedAt, percent: 100, step: 'rolled back', outputs: {} },
      fence,
    );
    await deps.store.appendEvent(input.runId, {
      type: 'phase-rolled-back',
      phase: id,
      message: 'rolled back',
    });
    return { status: 'rolled-back' };
  }
  if (input.decision === 'validate-only' || state.status === 'skipped') {
    await deps.store.appendEvent(input.runId, {
      type: 'phase-skipped',
      phase: id,
      message: state.reason ?? 'skipped',
    });
    return { status: 'skipped' };
  }
  await deps.store.updatePhaseState(
    input.environment,
    id,
    { status: 'completed', endedAt, percent: 100 },
    fence,
  );
  if (state.startedAt) {
    const seconds = (Date.parse(endedAt) - Date.parse(state.startedAt)) / 1000;
    await deps.store.recordDuration(input.environment, id, seconds, endedAt);
  }
  await deps.store.appendEvent(input.runId, {
    type: 'phase-completed',
    phase: id,
    message: 'completed',
  });
  return { status: 'completed' };
}

/** Returns the human part of a caught error's cause. */
export function describeCause(error: CaughtError | undefined): string {
  if (!error) {
    return 'failed';
  }
  const cause = typeof error.Cause === 'string' ? error.Cause : JSON.stringify(error.Cause ?? '');
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string; message?: string };
    if (typeof parsed === 'object' && parsed !== null) {
      return parsed.errorMessage ?? parsed.message ?? cause;
    }
  } catch {
    // A plain-text cause is used as it is.
  }
  return cause || error.Error || 'failed';
}

async function recordFailure(
  deps: ControlDeps,
  input: StepInput,
): Promise<{ outcome: FailureOutcome }> {
  const run = await requireRun(deps, input.runId);
  const fence = await fenceOf(deps, input);
  const states = await deps.store.getPhaseStates(input.environment);
  const failing =
    states.find((state) => state.phaseId === input.phase) ??
    states.find((state) => state.runId === run.runId && state.status === 'running');
  const cause = describeCause(input.error);

  let outcome: FailureOutcome = 'PhaseFailed';
  // A stopped or interrupted run's builds fail because they were killed, not on their own.
  const halted = run.status === 'stopping' || isRunFinished(run.status);
  if (halted || input.error?.Error === 'RunStopped') {
    outcome = 'RunStopped';
  } else if (
    input.error?.Error === 'RequirementsNotMet' ||
    failing?.status === 'requirements-not-met' ||
    (failing?.unmet?.length ?? 0) > 0
  ) {
    outcome = 'RequirementsNotMet';
  }

  const named = !failing || cause.startsWith(failing.phaseId);
  const error = { code: outcome, message: named ? cause : `${failing.phaseId}: ${cause}` };
  if (
    failing &&
    outcome !== 'RunStopped' &&
    ['running', 'rolling-back', 'requirements-not-met'].includes(failing.status)
  ) {
    await deps.store.updatePhaseState(
      input.environment,
      failing.phaseId,
      {
        status: outcome === 'RequirementsNotMet' ? 'requirements-not-met' : 'failed',
        endedAt: nowIso(deps),
        error,
      },
      fence,
    );
  }
  await deps.store.appendEvent(run.runId, {
    type: outcome === 'RequirementsNotMet' ? 'phase-requirements-not-met' : 'phase-failed',
    phase: failing?.phaseId,
    message: `${outcome}: ${cause}`,
    data: { outcome, error: input.error?.Error ?? null },
  });
  if (outcome !== 'RunStopped') {
    await deps.store.updateRun(run.runId, { error }, { fence });
  }
  return { outcome };
}

const FINAL_STATUS: Record<RunOutcome, RunStatus> = {
  Succeeded: 'succeeded',
  PhaseFailed: 'failed',
  RequirementsNotMet: 'requirements-not-met',
  RunStopped: 'stopped',
};

async function releaseLock(deps: ControlDeps, input: StepInput): Promise<{ status: RunStatus }> {
  const run = await requireRun(deps, input.runId);
  const lock = await readLock(deps.store, input.environment);
  let status = run.status;
  if (!isRunFinished(run.status)) {
    const outcome = run.status === 'stopping' ? 'RunStopped' : (input.outcome ?? 'Succeeded');
    status = FINAL_STATUS[outcome];
    await deps.store.updateRun(
      run.runId,
      { status, endedAt: nowIso(deps), currentPhase: null },
      { fence: lock.fence },
    );
    await deps.store.appendEvent(run.runId, {
      type: `run-${status}` as 'run-succeeded',
      message: outcome,
    });
  }
  if (lock.owner === run.runId) {
    await deps.store.releaseLock(input.environment, run.runId, lock.fence);
    await deps.store.appendEvent(run.runId, {
      type: 'lock-released',
      message: `fence ${lock.fence}`,
    });
  }
  return { status };
}

/** Phase statuses with nothing deployed, which a validate build does not check. */
export const NOT_DEPLOYED = ['not-started', 'rolled-back'];

async function recordValidation(deps: ControlDeps, input: StepInput): Promise<{ ok: boolean }> {
  const id = requirePhase(input);
  const run = await requireRun(deps, input.runId);
  if (!run.phases.includes(id)) {
    return { ok: true };
  }
  const state = await deps.store.getPhaseState(input.environment, id);
  if (NOT_DEPLOYED.includes(state.status)) {
    await deps.store.appendEvent(input.runId, {
      type: 'phase-validated',
      phase: id,
      message: 'Not deployed yet',
      data: { deployed: false },
    });
    return { ok: true };
  }
  const result = input.result;
  const failed = result !== undefined && 'Error' in result;
  const events = await deps.store.listEvents(input.runId);
  const finished = events.filter(
    (event) =>
      event.type === 'build-finished' && event.phase === id && event.data?.action === 'validate',
  );
  const lastStep = String(finished.at(-1)?.data?.lastStep ?? '');
  const message = failed ? describeCause(result as CaughtError) : lastStep || 'valid';
  await deps.store.appendEvent(input.runId, {
    type: failed ? 'phase-validation-failed' : 'phase-validated',
    phase: id,
    message,
    data: { deployed: true, status: state.status },
  });
  return { ok: !failed };
}

async function summarizeValidation(
  deps: ControlDeps,
  input: StepInput,
): Promise<{ failed: number }> {
  const events = await deps.store.listEvents(input.runId);
  const failed = events.filter((event) => event.type === 'phase-validation-failed').length;
  return { failed };
}

async function awaitApproval(
  deps: ControlDeps,
  input: StepInput,
  options: StepOptions,
): Promise<{ approved: true }> {
  const id = requirePhase(input);
  const requested = await deps.store.appendEvent(input.runId, {
    type: 'approval-requested',
    phase: id,
    message: `approve with \`perfplane approve ${id}\``,
    data: { action: input.action ?? 'deploy' },
  });
  const pollMs = options.approvalPollMs ?? 500;
  const deadline = Date.now() + (options.approvalTimeoutMs ?? 24 * 3600 * 1000);
  while (Date.now() < deadline) {
    if (options.signal?.aborted) {
      throw new PerfplaneError('RunStopped', `stopped waiting for the approval of ${id}`);
    }
    const events = await deps.store.listEvents(input.runId);
    const answer = events.find(
      (event) =>
        event.phase === id &&
        event.id > requested.id &&
        (event.type === 'approval-granted' || event.type === 'approval-rejected'),
    );
    if (answer?.type === 'approval-granted') {
      return { approved: true };
    }
    if (answer) {
      throw new PerfplaneError('RunStopped', `the ${id} deploy was rejected at approval`);
    }
    assertNotStopping(await requireRun(deps, input.runId));
    await sleep(pollMs);
  }
  throw new PerfplaneError('RunStopped', `approval of ${id} timed out`);
}

/**
 * Runs one step of a state machine. Errors are PerfplaneErrors whose name
 * is their code, so a state's Catch can match them.
 */
export async function handleStep(
  deps: ControlDeps,
  input: StepInput,
  options: StepOptions = {},
): Promise<unknown> {
  switch (input.step) {
    case 'acquireLock':
      return acquireLock(deps, input);
    case 'gate':
      return gate(deps, input);
    case 'beginPhase':
      return beginPhase(deps, input);
    case 'recordPhase':
      return recordPhase(deps, input);
    case 'recordFailure':
      return recordFailure(deps, input);
    case 'releaseLock':
      return releaseLock(deps, input);
    case 'recordValidation':
      return recordValidation(deps, input);
    case 'summarizeValidation':
      return summarizeValidation(deps, input);
    case 'requestApproval':
    case 'awaitApproval':
      return awaitApproval(deps, input, options);
    default:
      throw new PerfplaneError('InvalidArgument', `unknown step "${input.step}"`);
  }
}

/**
 * Records how an execution ended when no step did: an execution that
 * failed before taking the lock, or one that was aborted. A run a step
 * already finished is left as it is.
 */
export async function finishExecution(
  deps: ControlDeps,
  runId: string,
  ended: { ok: boolean; error?: CaughtError },
): Promise<void> {
  const run = await deps.store.getRun(runId);
  if (!run || isRunFinished(run.status) || run.status === 'stopping') {
    return;
  }
  const endedAt = nowIso(deps);
  const status: RunStatus = ended.ok
    ? 'succeeded'
    : ended.error?.Error === 'RunStopped'
      ? 'stopped'
      : 'failed';
  const error = ended.ok
    ? null
    : { code: ended.error?.Error ?? 'PhaseFailed', message: describeCause(ended.error) };
  await deps.store.updateRun(runId, { status, endedAt, error });
  await deps.store.appendEvent(runId, {
    type: `run-${status}` as 'run-failed',
    message: error?.message ?? 'execution ended',
  });
  const lock = await readLock(deps.store, run.environment);
  if (lock.owner === runId) {
    await deps.store.releaseLock(run.environment, runId, lock.fence);
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import {
  findPhase,
  isPhaseDone,
  isRunFinished,
  PerfplaneError,
  type PhaseId,
} from '@perfplane/core';
import { environmentFromInput, LOCK_LEASE_SECONDS, nowIso, phaseFromInput } from './context.js';
import type { ControlDeps, PhaseAction, RunRecord } from './ports.js';

/** Input of the steps handler, as the state machines pass it. */
export interface StepInput {
  step:
    | 'acquireLock'
    | 'gate'
    | 'beginPhase'
    | 'recordPhase'
    | 'recordFailure'
    | 'releaseLock'
    | 'awaitApproval';
  runId: string;
  environment: string;
  phase?: string;
  action?: PhaseAction;
  fence?: number;
  /** The error a Catch passed on, as Step Functions shapes it. */
  error?: { Error?: string; Cause?: string };
}

export type GateDecision = 'run' | 'pass' | 'validate-only';

export interface StepOptions {
  /** Milliseconds between looks at the store while an approval is pending. */
  approvalPollMs?: number;
  /** Longest wait for an approval, in milliseconds. */
  approvalTimeoutMs?: number;
}

async function requireRun(deps: ControlDeps, runId: string): Promise<RunRecord> {
  const run = await deps.store.getRun(runId);
  if (!run) {
    throw new PerfplaneError('NotFound', `run "${runId}" not found`);
  }
  return run;
}

function assertNotStopping(run: RunRecord): void {
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

async function acquireLock(deps: ControlDeps, input: StepInput): Promise<{ fence: number }> {
  const run = await requireRun(deps, input.runId);
  assertNotStopping(run);
  const lock = await deps.store.getLock(input.environment);
  let reclaim: { fence: number } | undefined;
  if (lock.owner === input.runId) {
    reclaim = { fence: lock.fence };
  } else if (lock.owner) {
    const owner = await deps.store.getRun(lock.owner);
    if (!owner || isRunFinished(owner.status)) {
      reclaim = { fence: lock.fence };
    }
  }
  const fence = await deps.store.acquireLock(
    input.environment,
    input.runId,
    LOCK_LEASE_SECONDS,
    reclaim,
  );
  await deps.store.updateRun(input.runId, { status: 'running' }, fence);
  await deps.store.appendEvent(input.runId, { type: 'lock-acquired', message: `fence ${fence}` });
  return { fence };
}

async function gate(
  deps: ControlDeps,
  input: StepInput,
): Promise<{ decision: GateDecision; reason?: string }> {
  const run = await requireRun(deps, input.runId);
  assertNotStopping(run);
  const id = requirePhase(input);
  const action = input.action ?? 'deploy';
  const state = await deps.store.getPhase(input.environment, id);
  if (!run.phases.includes(id)) {
    return { decision: 'pass', reason: 'not selected for this run' };
  }
  if (action === 'validate') {
    if (state.status === 'not-started' || state.status === 'rolled-back') {
      await deps.store.updatePhase(input.environment, id, {
        validation: { ok: false, message: 'Not deployed yet', at: nowIso(deps), runId: run.runId },
      });
      return { decision: 'pass', reason: 'not deployed yet' };
    }
    return { decision: 'run' };
  }
  if (action === 'rollback') {
    const nothing = ['not-started', 'rolled-back', 'skipped'].includes(state.status);
    return nothing ? { decision: 'pass', reason: `phase is ${state.status}` } : { decision: 'run' };
  }
  return gateDeploy(deps, input, run, id);
}

async function gateDeploy(
  deps: ControlDeps,
  input: StepInput,
  run: RunRecord,
  id: PhaseId,
): Promise<{ decision: GateDecision; reason?: string }> {
  const env = await environmentFromInput(deps, input.environment);
  const state = await deps.store.getPhase(input.environment, id);
  const provided = env.provided[id];
  if (provided !== undefined) {
    await deps.store.updatePhase(
      input.environment,
      id,
      { status: 'skipped', skipReason: provided, runId: run.runId, percent: 100 },
      input.fence,
    );
    return { decision: 'validate-only', reason: provided };
  }
  if (state.status === 'skipped') {
    return { decision: 'validate-only', reason: state.skipReason };
  }
  if (state.status === 'completed' && state.runId === run.runId) {
    return { decision: 'pass', reason: 'completed earlier in this run' };
  }
  const phase = findPhase(id);
  for (const dep of phase?.dependsOn ?? []) {
    const depState = await deps.store.getPhase(input.environment, dep);
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
  const state = await deps.store.getPhase(input.environment, id);
  const attempt = state.attempt + 1;
  if (action === 'validate') {
    return { attempt: state.attempt };
  }
  await deps.store.updatePhase(
    input.environment,
    id,
    {
      status: action === 'rollback' ? 'rolling-back' : 'running',
      runId: run.runId,
      attempt,
      action,
      percent: 0,
      step: 'starting',
      startedAt: nowIso(deps),
      endedAt: undefined,
      error: undefined,
      unmet: [],
      ...(action === 'deploy' ? { outputs: {}, skipReason: undefined } : {}),
    },
    input.fence,
  );
  await deps.store.appendEvent(run.runId, {
    type: 'phase-started',
    phase: id,
    message: `${action} attempt ${attempt}`,
  });
  return { attempt };
}

async function recordPhase(deps: ControlDeps, input: StepInput): Promise<{ status: string }> {
  const id = requirePhase(input);
  const action = input.action ?? 'deploy';
  const state = await deps.store.getPhase(input.environment, id);
  const endedAt = nowIso(deps);
  if (action === 'validate') {
    return { status: state.status };
  }
  if (action === 'rollback') {
    await deps.store.updatePhase(
      input.environment,
      id,
      { status: 'rolled-back', endedAt, percent: 100, step: 'rolled back', outputs: {} },
      input.fence,
    );
    await deps.store.appendEvent(input.runId, { type: 'phase-rolled-back', phase: id, message: 'rolled back' });
    return { status: 'rolled-back' };
  }
  if (state.status === 'skipped') {
    await deps.store.appendEvent(input.runId, {
      type: 'phase-skipped',
      phase: id,
      message: state.skipReason ?? 'skipped',
    });
    return { status: 'skipped' };
  }
  await deps.store.updatePhase(
    input.environment,
    id,
    { status: 'completed', endedAt, percent: 100 },
    input.fence,
  );
  if (state.startedAt) {
    const seconds = (Date.parse(endedAt) - Date.parse(state.startedAt)) / 1000;
    await deps.store.recordDuration(input.environment, id, seconds);
  }
  await deps.store.appendEvent(input.runId, { type: 'phase-completed', phase: id, message: 'completed' });
  return { status: 'completed' };
}

type Outcome = 'PhaseFailed' | 'RequirementsNotMet' | 'RunStopped';

async function recordFailure(deps: ControlDeps, input: StepInput): Promise<{ outcome: Outcome }> {
  const run = await requireRun(deps, input.runId);
  const states = await deps.store.listPhases(input.environment);
  const failing =
    states.find((state) => state.phaseId === input.phase) ??
    states.find(
      (state) =>
        state.runId === run.runId && ['running', 'rolling-back', 'requirements-not-met'].includes(state.status),
    );
  const cause = describeCause(input.error);
  let outcome: Outcome = 'PhaseFailed';
  if (run.status === 'stopping' || run.status === 'stopped' || input.error?.Error === 'RunStopped') {
    outcome = 'RunStopped';
  } else if (
    failing &&
    (failing.status === 'requirements-not-met' || failing.unmet.length > 0 || input.error?.Error === 'RequirementsNotMet')
  ) {
    outcome = 'RequirementsNotMet';
  }
  const endedAt = nowIso(deps);
  if (failing && outcome !== 'RunStopped' && failing.status !== 'completed') {
    await deps.store.updatePhase(
      input.environment,
      failing.phaseId,
      {
        status: outcome === 'RequirementsNotMet' ? 'requirements-not-met' : 'failed',
        endedAt,
        error: cause,
      },
      input.fence,
    );
  }
  if (outcome !== 'RunStopped') {
    await deps.store.updateRun(
      run.runId,
      {
        status: outcome === 'RequirementsNotMet' ? 'requirements-not-met' : 'failed',
        endedAt,
        error: { code: outcome, message: failing ? `${failing.phaseId}: ${cause}` : cause },
      },
      input.fence,
    );
  }
  await deps.store.appendEvent(run.runId, {
    type: 'run-failed',
    phase: failing?.phaseId,
    message: `${outcome}: ${cause}`,
  });
  return { outcome };
}

function describeCause(error: StepInput['error']): string {
  if (!error) {
    return 'failed';
  }
  const cause = error.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string; message?: string };
    return parsed.errorMessage ?? parsed.message ?? cause;
  } catch {
    return cause || error.Error || 'failed';
  }
}

async function releaseLock(deps: ControlDeps, input: StepInput): Promise<{ status: string }> {
  const run = await requireRun(deps, input.runId);
  const lock = await deps.store.getLock(input.environment);
  let status = run.status;
  if (status === 'running' || status === 'pending') {
    status = 'succeeded';
    await deps.store.updateRun(run.runId, { status, endedAt: nowIso(deps) }, lock.fence);
    await deps.store.appendEvent(run.runId, { type: 'run-succeeded', message: 'all phases done' });
  }
  if (lock.owner === run.runId) {
    await deps.store.releaseLock(input.environment, run.runId, lock.fence);
  }
  return { status };
}

async function awaitApproval(
  deps: ControlDeps,
  input: StepInput,
  options: StepOptions,
): Promise<{ approved: true }> {
  const id = requirePhase(input);
  const since = nowIso(deps);
  await deps.store.updatePhase(input.environment, id, { awaitingApproval: true, approval: undefined });
  await deps.store.appendEvent(input.runId, {
    type: 'approval-requested',
    phase: id,
    message: `approve with \`perfplane approve ${input.runId} ${id}\``,
  });
  const pollMs = options.approvalPollMs ?? 500;
  const deadline = Date.now() + (options.approvalTimeoutMs ?? 24 * 3600 * 1000);
  while (Date.now() < deadline) {
    const state = await deps.store.getPhase(input.environment, id);
    if (state.approval && state.approval.at >= since) {
      await deps.store.updatePhase(input.environment, id, { awaitingApproval: false });
      if (!state.approval.approved) {
        throw new PerfplaneError('RunStopped', `${id} was rejected at approval`);
      }
      return { approved: true };
    }
    assertNotStopping(await requireRun(deps, input.runId));
    await sleep(pollMs);
  }
  throw new PerfplaneError('RunStopped', `approval of ${id} timed out`);
}

/**
 * Runs one step of a state machine. Errors are PerfplaneErrors whose name
 * is the code, so a state's Catch can match them.
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
    case 'awaitApproval':
      return awaitApproval(deps, input, options);
    default:
      throw new PerfplaneError('InvalidArgument', `unknown step "${String(input.step)}"`);
  }
}

/**
 * Records how an execution ended when its definition did not: a rollback
 * or validate machine has no lock steps, and an aborted execution runs no
 * Catch. Leaves a run that a step already finished untouched.
 */
export async function finishExecution(
  deps: ControlDeps,
  runId: string,
  ended: { ok: boolean; error?: string },
): Promise<void> {
  const run = await deps.store.getRun(runId);
  if (!run || isRunFinished(run.status)) {
    return;
  }
  if (run.status === 'stopping') {
    return;
  }
  const lock = await deps.store.getLock(run.environment);
  const endedAt = nowIso(deps);
  if (ended.ok) {
    await deps.store.updateRun(runId, { status: 'succeeded', endedAt }, lock.fence);
  } else {
    await deps.store.updateRun(
      runId,
      { status: 'failed', endedAt, error: { code: 'PhaseFailed', message: ended.error ?? 'failed' } },
      lock.fence,
    );
  }
  if (lock.owner === runId) {
    await deps.store.releaseLock(run.environment, runId, lock.fence);
  }
}

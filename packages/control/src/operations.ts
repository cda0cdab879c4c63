import {
  computeProgress,
  dependentsOf,
  isPhaseDone,
  isRunFinished,
  PerfplaneError,
  PHASES,
  type PhaseId,
  type PhaseStatus,
  rollbackOrder,
} from '@perfplane/core';
import {
  activeRun,
  assertEnvironmentFree,
  LOCK_LEASE_MS,
  newRunId,
  nowIso,
  phaseFromInput,
  readLock,
  runKind,
} from './context.js';
import type { ControlDeps, MachineName, PhaseAction, PhaseState, Run, RunEvent } from './ports.js';

const ACTION_OF: Record<MachineName, PhaseAction> = {
  run: 'deploy',
  rollback: 'rollback',
  validate: 'validate',
};

/** Creates a run record and starts its state machine execution. */
async function launch(
  deps: ControlDeps,
  environment: string,
  kind: MachineName,
  phases: PhaseId[],
  interactive: boolean,
): Promise<Run> {
  const run = await createRunRecord(deps, environment, kind, phases, interactive);
  return startExecution(deps, run);
}

async function createRunRecord(
  deps: ControlDeps,
  environment: string,
  kind: MachineName,
  phases: PhaseId[],
  interactive: boolean,
): Promise<Run> {
  await deps.preflight?.(phases, ACTION_OF[kind]);
  const run = await deps.store.createRun({
    runId: newRunId(kind, deps.now?.()),
    environment,
    phases,
    interactive,
    createdAt: nowIso(deps),
  });
  await deps.store.appendEvent(run.runId, {
    type: 'run-created',
    message: `${kind} of ${phases.join(', ') || 'no phase'} requested`,
    data: { kind },
  });
  return run;
}

async function startExecution(deps: ControlDeps, run: Run): Promise<Run> {
  const executionArn = await deps.orchestrator.start(runKind(run.runId), {
    runId: run.runId,
    environment: run.environment,
    phases: run.phases,
    interactive: run.interactive,
  });
  return deps.store.updateRun(run.runId, { executionArn });
}

async function phaseMap(deps: ControlDeps, environment: string): Promise<Map<PhaseId, PhaseState>> {
  const states = await deps.store.getPhaseStates(environment);
  return new Map(states.map((state) => [state.phaseId, state]));
}

function statusOf(states: Map<PhaseId, PhaseState>, id: PhaseId): PhaseStatus {
  return states.get(id)?.status ?? 'not-started';
}

export interface StartRunRequest {
  phases?: string[];
  interactive?: boolean;
}

/** Starts a deploy run of the requested phases, or of every phase. */
export async function startRun(
  deps: ControlDeps,
  environment: string,
  request: StartRunRequest,
): Promise<Run> {
  const env = await deps.loadEnvironment(environment);
  const requested = (request.phases ?? PHASES.map((phase) => phase.id)).map(phaseFromInput);
  const ids = PHASES.filter((phase) => requested.some((r) => r.id === phase.id)).map((p) => p.id);
  await assertEnvironmentFree(deps.store, env.name);

  const states = await phaseMap(deps, env.name);
  for (const phase of PHASES.filter((entry) => ids.includes(entry.id))) {
    const missing = phase.dependsOn.filter(
      (dep) =>
        !ids.includes(dep) &&
        !isPhaseDone(statusOf(states, dep)) &&
        env.provided[dep] === undefined,
    );
    if (missing.length > 0) {
      throw new PerfplaneError(
        'DependencyNotMet',
        `cannot deploy ${phase.id}: ${missing.join(', ')} not completed or skipped; run \`perfplane deploy ${missing[0]}\` first`,
      );
    }
  }
  return launch(deps, env.name, 'run', ids, request.interactive ?? false);
}

const RESUMABLE: Run['status'][] = ['failed', 'interrupted', 'stopped', 'requirements-not-met'];

/** Restarts the latest unfinished deploy run; phases it completed are passed over. */
export async function resume(deps: ControlDeps, environment: string): Promise<Run> {
  const env = await deps.loadEnvironment(environment);
  await assertEnvironmentFree(deps.store, env.name);

  const runs = await deps.store.listRuns(env.name, 20);
  const latest = runs.find((run) => runKind(run.runId) === 'run');
  if (!latest || !RESUMABLE.includes(latest.status)) {
    throw new PerfplaneError(
      'NothingToResume',
      `nothing to resume in "${env.name}": no failed, stopped or interrupted run; start one with \`perfplane run-all\``,
    );
  }

  const states = await phaseMap(deps, env.name);
  const remaining = latest.phases.filter((id) => !isPhaseDone(statusOf(states, id)));
  if (remaining.length === 0) {
    throw new PerfplaneError(
      'NothingToResume',
      `nothing to resume in "${env.name}": every phase of run ${latest.runId} is done`,
    );
  }

  await deps.preflight?.(remaining, 'deploy');
  // The store allows a failed, stopped or interrupted run back to running only.
  const run = await deps.store.updateRun(latest.runId, {
    status: 'running',
    endedAt: null,
    error: null,
    reason: null,
  });
  await deps.store.appendEvent(run.runId, {
    type: 'run-resumed',
    phase: remaining[0],
    message: `resumed at ${remaining[0]}`,
  });
  return startExecution(deps, run);
}

export interface RollbackRequest {
  phase?: string;
  cascade?: boolean;
  all?: boolean;
  confirm?: boolean;
}

/** Phase statuses that may have left resources behind. */
const DEPLOYED: PhaseStatus[] = [
  'completed',
  'failed',
  'requirements-not-met',
  'stopped',
  'running',
  'rolling-back',
];

/** Rolls back one phase, with its deployed dependents when cascading, or every phase. */
export async function rollback(
  deps: ControlDeps,
  environment: string,
  request: RollbackRequest,
): Promise<Run> {
  const env = await deps.loadEnvironment(environment);
  if (request.all) {
    if (!request.confirm) {
      throw new PerfplaneError(
        'ConfirmationRequired',
        `rolling back every phase of "${env.name}" destroys its resources; repeat with \`perfplane rollback-all --confirm\``,
      );
    }
    await assertEnvironmentFree(deps.store, env.name);
    const states = await phaseMap(deps, env.name);
    const ids = rollbackOrder()
      .map((phase) => phase.id)
      .filter((id) => DEPLOYED.includes(statusOf(states, id)));
    return launch(deps, env.name, 'rollback', ids, false);
  }
  if (!request.phase) {
    throw new PerfplaneError(
      'InvalidArgument',
      'rollback needs a phase; use `perfplane rollback <phase>` or `perfplane rollback-all --confirm`',
    );
  }
  const phase = phaseFromInput(request.phase);
  await assertEnvironmentFree(deps.store, env.name);
  const states = await phaseMap(deps, env.name);
  const deployedDependents = dependentsOf(phase.id).filter((dependent) =>
    DEPLOYED.includes(statusOf(states, dependent.id)),
  );
  if (deployedDependents.length > 0 && !request.cascade) {
    const names = deployedDependents.map((dependent) => dependent.id).join(', ');
    throw new PerfplaneError(
      'Conflict',
      `cannot roll back ${phase.id} while ${names} depend on it and are deployed; roll them back first or repeat with \`perfplane rollback ${phase.id} --cascade\``,
    );
  }
  const ids = rollbackOrder([phase, ...deployedDependents]).map((entry) => entry.id);
  return launch(deps, env.name, 'rollback', ids, false);
}

/** Records a phase as skipped with the reason, then validates it. */
export async function skip(
  deps: ControlDeps,
  environment: string,
  phaseInput: string,
  reason: string,
): Promise<Run> {
  const env = await deps.loadEnvironment(environment);
  const phase = phaseFromInput(phaseInput);
  if (!reason.trim()) {
    throw new PerfplaneError(
      'InvalidArgument',
      `skipping ${phase.id} needs a reason; repeat with \`perfplane skip ${phase.id} --reason "<why>"\``,
    );
  }

  await assertEnvironmentFree(deps.store, env.name);
  const states = await phaseMap(deps, env.name);
  const missing = phase.dependsOn.filter(
    (dep) => !isPhaseDone(statusOf(states, dep)) && env.provided[dep] === undefined,
  );
  if (missing.length > 0) {
    throw new PerfplaneError(
      'DependencyNotMet',
      `cannot skip ${phase.id}: ${missing.join(', ')} not completed or skipped; deploy or skip ${missing[0]} first`,
    );
  }

  // The skip is written under the lock by the validate run it starts, so
  // no other run can change the phase between the two.
  const run = await createRunRecord(deps, env.name, 'validate', [phase.id], false);
  const grant = await deps.store.acquireLock({
    environment: env.name,
    owner: run.runId,
    leaseMs: LOCK_LEASE_MS,
  });
  try {
    await deps.store.updatePhaseState(
      env.name,
      phase.id,
      {
        status: 'skipped',
        reason: reason.trim(),
        percent: 100,
        endedAt: nowIso(deps),
        error: null,
      },
      grant.fence,
    );
    await deps.store.appendEvent(run.runId, {
      type: 'phase-skipped',
      phase: phase.id,
      message: reason.trim(),
    });
  } finally {
    await deps.store.releaseLock(env.name, run.runId, grant.fence);
  }

  return startExecution(deps, run);
}

/** Starts the validate machine over every phase. */
export async function validateAll(deps: ControlDeps, environment: string): Promise<Run> {
  const env = await deps.loadEnvironment(environment);
  await assertEnvironmentFree(deps.store, env.name);
  return launch(
    deps,
    env.name,
    'validate',
    PHASES.map((phase) => phase.id),
    false,
  );
}

/** Build ids a run started, from its build-started events. */
export function buildsOf(events: RunEvent[]): string[] {
  return events
    .filter((event) => event.type === 'build-started')
    .map((event) => String(event.data?.buildId ?? ''))
    .filter((id) => id !== '');
}

export interface StopResult {
  stopped: boolean;
  runId?: string;
  builds: string[];
  message: string;
}

/**
 * Stops the environment's active run: records stopping, stops the
 * execution and every build the run started, frees the lock, and records
 * stopped last. A second call finds nothing running and changes nothing.
 */
export async function emergencyStop(deps: ControlDeps, environment: string): Promise<StopResult> {
  const env = await deps.loadEnvironment(environment);
  const run = await activeRun(deps.store, env.name);
  if (!run) {
    return { stopped: false, builds: [], message: `no run in progress in "${env.name}"` };
  }
  await deps.store.updateRun(run.runId, { status: 'stopping', reason: 'emergency stop' });
  await deps.store.appendEvent(run.runId, {
    type: 'emergency-stop',
    message: 'emergency stop requested',
  });

  if (run.executionArn) {
    await deps.orchestrator.stop(run.executionArn, 'emergency stop');
  }
  const builds = buildsOf(await deps.store.listEvents(run.runId));
  for (const buildId of builds) {
    await deps.builds.stop(buildId);
  }

  const lock = await readLock(deps.store, env.name);
  if (lock.owner === run.runId) {
    await deps.store.releaseLock(env.name, run.runId, lock.fence);
  }
  for (const state of await deps.store.getPhaseStates(env.name)) {
    if (state.runId === run.runId && ['running', 'rolling-back'].includes(state.status)) {
      await deps.store.updatePhaseState(
        env.name,
        state.phaseId,
        { status: 'stopped', endedAt: nowIso(deps), step: 'stopped by emergency stop' },
        lock.fence,
      );
    }
  }
  await deps.store.updateRun(run.runId, {
    status: 'stopped',
    endedAt: nowIso(deps),
    error: { code: 'RunStopped', message: 'emergency stop' },
  });
  await deps.store.appendEvent(run.runId, {
    type: 'run-stopped',
    message: `stopped the execution and ${builds.length} build(s)`,
  });
  return { stopped: true, runId: run.runId, builds, message: `stopped run ${run.runId}` };
}

export interface ApprovalRequest {
  phase: string;
  action: PhaseAction;
  approved: boolean;
}

/** Stores the approval or rejection of a phase that an interactive run waits for. */
export async function approve(
  deps: ControlDeps,
  runId: string,
  request: ApprovalRequest,
): Promise<{ runId: string; phase: PhaseId; approved: boolean }> {
  const run = await requireRun(deps, runId);
  const phase = phaseFromInput(request.phase);
  if (isRunFinished(run.status)) {
    throw new PerfplaneError(
      'Conflict',
      `run ${runId} has finished (${run.status}); there is nothing to approve`,
    );
  }
  await deps.store.appendEvent(runId, {
    type: request.approved ? 'approval-granted' : 'approval-rejected',
    phase: phase.id,
    message: `${request.action} of ${phase.id} ${request.approved ? 'approved' : 'rejected'}`,
    data: { action: request.action },
  });
  return { runId, phase: phase.id, approved: request.approved };
}

async function requireRun(deps: ControlDeps, runId: string): Promise<Run> {
  const run = await deps.store.getRun(runId);
  if (!run) {
    throw new PerfplaneError(
      'NotFound',
      `run "${runId}" not found; \`perfplane show-progress\` shows the latest run`,
    );
  }
  return run;
}

export interface RunView {
  run: Run & { kind: MachineName };
  phases: PhaseState[];
  events: RunEvent[];
}

export async function getRun(deps: ControlDeps, runId: string): Promise<RunView> {
  const run = await requireRun(deps, runId);
  const phases = await deps.store.getPhaseStates(run.environment);
  const events = await deps.store.listEvents(runId);
  return { run: { ...run, kind: runKind(run.runId) }, phases, events };
}

export interface ProgressView {
  environment: string;
  run?: Run & { kind: MachineName };
  phases: (PhaseState & { title: string; provided?: string; awaitingApproval: boolean })[];
  percent: number;
  elapsedSeconds: number;
  remainingSeconds: number;
  lock: { owner?: string; since?: string };
}

/** Phases whose approval the run requested and nobody has answered yet. */
async function awaitingApproval(deps: ControlDeps, runId: string): Promise<PhaseId[]> {
  const pending = new Set<PhaseId>();
  for (const event of await deps.store.listEvents(runId)) {
    if (!event.phase) {
      continue;
    }
    if (event.type === 'approval-requested') {
      pending.add(event.phase);
    } else if (event.type === 'approval-granted' || event.type === 'approval-rejected') {
      pending.delete(event.phase);
    }
  }
  return [...pending];
}

/** Gathers what the progress view shows for the environment's latest deploy run. */
export async function progress(deps: ControlDeps, environment: string): Promise<ProgressView> {
  const env = await deps.loadEnvironment(environment);
  const runs = await deps.store.listRuns(env.name, 20);
  const run = runs.find((entry) => runKind(entry.runId) === 'run') ?? runs[0];
  const states = await phaseMap(deps, env.name);
  const waiting = run && !isRunFinished(run.status) ? await awaitingApproval(deps, run.runId) : [];
  const phases = PHASES.map((phase) => {
    const state = states.get(phase.id) ?? {
      environment: env.name,
      phaseId: phase.id,
      status: 'not-started' as const,
      percent: 0,
      attempt: 0,
      outputs: {},
      fence: 0,
    };
    return {
      ...state,
      title: phase.title,
      provided: env.provided[phase.id],
      awaitingApproval: waiting.includes(phase.id),
    };
  });
  const covered =
    run && runKind(run.runId) === 'run' ? run.phases : PHASES.map((phase) => phase.id);
  const history: Partial<Record<PhaseId, number[]>> = {};
  for (const id of covered) {
    history[id] = (await deps.store.listDurations(env.name, id)).map((record) => record.seconds);
  }
  const figures = computeProgress({
    phases: phases
      .filter((phase) => covered.includes(phase.phaseId))
      .map((phase) => ({ id: phase.phaseId, status: phase.status, percent: phase.percent })),
    history,
    startedAt: run?.startedAt ?? run?.createdAt,
    endedAt: run && isRunFinished(run.status) ? run.endedAt : undefined,
    now: deps.now?.() ?? new Date(),
  });
  const lock = await readLock(deps.store, env.name);
  return {
    environment: env.name,
    run: run ? { ...run, kind: runKind(run.runId) } : undefined,
    phases,
    ...figures,
    lock: { owner: lock.owner, since: lock.owner ? lock.acquiredAt : undefined },
  };
}

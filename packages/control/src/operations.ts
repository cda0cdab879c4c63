import {
  computeProgress,
  dependentsOf,
  isPhaseDone,
  isRunFinished,
  PerfplaneError,
  PHASES,
  type PhaseId,
  rollbackOrder,
} from '@perfplane/core';
import {
  activeRun,
  assertEnvironmentFree,
  environmentFromInput,
  newRunId,
  nowIso,
  phaseFromInput,
} from './context.js';
import type {
  ControlDeps,
  MachineName,
  PhaseAction,
  PhaseState,
  RunEvent,
  RunRecord,
} from './ports.js';

export interface StartRunRequest {
  phases?: string[];
  interactive?: boolean;
}

/** Creates a run record and starts its state machine execution. */
async function launch(
  deps: ControlDeps,
  environment: string,
  kind: MachineName,
  phases: PhaseId[],
  interactive: boolean,
): Promise<RunRecord> {
  const run: RunRecord = {
    runId: newRunId(deps),
    environment,
    kind,
    status: 'pending',
    phases,
    interactive,
    startedAt: nowIso(deps),
    builds: [],
  };
  await deps.store.createRun(run);
  await deps.store.appendEvent(run.runId, {
    type: 'run-requested',
    message: `${kind} of ${phases.join(', ')} requested`,
  });
  return startExecution(deps, run);
}

async function startExecution(deps: ControlDeps, run: RunRecord): Promise<RunRecord> {
  const executionId = await deps.orchestrator.start(run.kind, {
    runId: run.runId,
    environment: run.environment,
    phases: run.phases,
    interactive: run.interactive,
  });
  return deps.store.updateRun(run.runId, { executionId });
}

async function phaseMap(
  deps: ControlDeps,
  environment: string,
): Promise<Map<PhaseId, PhaseState>> {
  const states = await deps.store.listPhases(environment);
  return new Map(states.map((state) => [state.phaseId, state]));
}

/** Starts a deploy run of the requested phases, or of every phase. */
export async function startRun(
  deps: ControlDeps,
  environment: string,
  request: StartRunRequest,
): Promise<RunRecord> {
  const env = await environmentFromInput(deps, environment);
  const requested = (request.phases ?? PHASES.map((phase) => phase.id)).map(phaseFromInput);
  const ids = PHASES.filter((phase) => requested.some((r) => r.id === phase.id)).map((p) => p.id);
  await assertEnvironmentFree(deps.store, env.name);

  const states = await phaseMap(deps, env.name);
  for (const id of ids) {
    const phase = phaseFromInput(id);
    const missing = phase.dependsOn.filter(
      (dep) =>
        !ids.includes(dep) &&
        !isPhaseDone(states.get(dep)?.status ?? 'not-started') &&
        env.provided[dep] === undefined,
    );
    if (missing.length > 0) {
      throw new PerfplaneError(
        'DependencyNotMet',
        `cannot deploy ${id}: ${missing.join(', ')} not completed or skipped; run \`perfplane deploy ${missing[0]}\` first`,
      );
    }
  }
  return launch(deps, env.name, 'run', ids, request.interactive ?? false);
}

/** Restarts the latest unfinished run from its first phase that is not done. */
export async function resume(deps: ControlDeps, environment: string): Promise<RunRecord> {
  const env = await environmentFromInput(deps, environment);
  await assertEnvironmentFree(deps.store, env.name);
  const runs = await deps.store.listRuns(env.name, 20);
  const latest = runs.find((run) => run.kind === 'run');
  const resumable: RunRecord['status'][] = [
    'failed',
    'interrupted',
    'stopped',
    'requirements-not-met',
  ];
  if (!latest || !resumable.includes(latest.status)) {
    throw new PerfplaneError(
      'NothingToResume',
      `nothing to resume in "${env.name}": no failed, stopped or interrupted run; start one with \`perfplane run-all\``,
    );
  }
  const states = await phaseMap(deps, env.name);
  const remaining = latest.phases.filter(
    (id) => !isPhaseDone(states.get(id)?.status ?? 'not-started'),
  );
  if (remaining.length === 0) {
    throw new PerfplaneError(
      'NothingToResume',
      `nothing to resume in "${env.name}": every phase of run ${latest.runId} is done`,
    );
  }
  await deps.store.updateRun(latest.runId, { status: 'pending', error: undefined });
  await deps.store.appendEvent(latest.runId, {
    type: 'run-resumed',
    message: `resumed at ${remaining[0]}`,
  });
  return startExecution(deps, { ...latest, phases: latest.phases });
}

export interface RollbackRequest {
  phase?: string;
  cascade?: boolean;
  all?: boolean;
  confirm?: boolean;
}

const DEPLOYED: PhaseState['status'][] = [
  'completed',
  'failed',
  'requirements-not-met',
  'stopped',
  'rolling-back',
];

/** Rolls back one phase (with its deployed dependents when cascading) or every phase. */
export async function rollback(
  deps: ControlDeps,
  environment: string,
  request: RollbackRequest,
): Promise<RunRecord> {
  const env = await environmentFromInput(deps, environment);
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
      .filter((id) => DEPLOYED.includes(states.get(id)?.status ?? 'not-started'));
    return launch(deps, env.name, 'rollback', ids, false);
  }
  if (!request.phase) {
    throw new PerfplaneError('InvalidArgument', 'rollback needs a phase, or all with confirm');
  }
  const phase = phaseFromInput(request.phase);
  await assertEnvironmentFree(deps.store, env.name);
  const states = await phaseMap(deps, env.name);
  const deployedDependents = dependentsOf(phase.id).filter((dependent) =>
    DEPLOYED.includes(states.get(dependent.id)?.status ?? 'not-started'),
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
): Promise<RunRecord> {
  const env = await environmentFromInput(deps, environment);
  const phase = phaseFromInput(phaseInput);
  if (!reason.trim()) {
    throw new PerfplaneError(
      'InvalidArgument',
      `skipping ${phase.id} needs a reason; repeat with \`perfplane skip ${phase.id} --reason "..."\``,
    );
  }
  await assertEnvironmentFree(deps.store, env.name);
  const states = await phaseMap(deps, env.name);
  const missing = phase.dependsOn.filter(
    (dep) => !isPhaseDone(states.get(dep)?.status ?? 'not-started'),
  );
  if (missing.length > 0) {
    throw new PerfplaneError(
      'DependencyNotMet',
      `cannot skip ${phase.id}: ${missing.join(', ')} not completed or skipped; deploy or skip ${missing[0]} first`,
    );
  }
  const lock = await deps.store.getLock(env.name);
  await deps.store.updatePhase(
    env.name,
    phase.id,
    { status: 'skipped', skipReason: reason.trim(), endedAt: nowIso(deps), percent: 100 },
    lock.fence,
  );
  const run = await launch(deps, env.name, 'validate', [phase.id], false);
  await deps.store.appendEvent(run.runId, {
    type: 'phase-skipped',
    phase: phase.id,
    message: reason.trim(),
  });
  return run;
}

/** Starts the validate machine over every phase. */
export async function validateAll(deps: ControlDeps, environment: string): Promise<RunRecord> {
  const env = await environmentFromInput(deps, environment);
  return launch(
    deps,
    env.name,
    'validate',
    PHASES.map((phase) => phase.id),
    false,
  );
}

export interface StopResult {
  stopped: boolean;
  runId?: string;
  builds: string[];
  message: string;
}

/**
 * Stops the environment's active run: records stopping, stops the
 * execution and every build the run recorded, frees the lock, and records
 * stopped last. A second call finds nothing running and changes nothing.
 */
export async function emergencyStop(deps: ControlDeps, environment: string): Promise<StopResult> {
  const env = await environmentFromInput(deps, environment);
  const run = await activeRun(deps.store, env.name);
  if (!run) {
    return { stopped: false, builds: [], message: `no run in progress in "${env.name}"` };
  }
  const lock = await deps.store.getLock(env.name);
  await deps.store.updateRun(run.runId, { status: 'stopping' }, lock.fence);
  await deps.store.appendEvent(run.runId, { type: 'stop-requested', message: 'emergency stop' });

  if (run.executionId) {
    await deps.orchestrator.stop(run.executionId, 'emergency stop');
  }
  const fresh = (await deps.store.getRun(run.runId)) ?? run;
  const stoppedBuilds: string[] = [];
  for (const build of fresh.builds) {
    await deps.builds.stop(build.id);
    stoppedBuilds.push(build.id);
  }
  if (lock.owner === run.runId) {
    await deps.store.releaseLock(env.name, run.runId, lock.fence);
  }
  for (const state of await deps.store.listPhases(env.name)) {
    if (state.runId === run.runId && ['running', 'rolling-back'].includes(state.status)) {
      await deps.store.updatePhase(
        env.name,
        state.phaseId,
        { status: 'stopped', endedAt: nowIso(deps), step: 'stopped by emergency stop' },
        lock.fence,
      );
    }
  }
  await deps.store.updateRun(
    run.runId,
    { status: 'stopped', endedAt: nowIso(deps), error: { code: 'RunStopped', message: 'emergency stop' } },
    lock.fence,
  );
  await deps.store.appendEvent(run.runId, {
    type: 'run-stopped',
    message: `stopped ${stoppedBuilds.length} build(s)`,
  });
  return {
    stopped: true,
    runId: run.runId,
    builds: stoppedBuilds,
    message: `stopped run ${run.runId}`,
  };
}

export interface ApprovalRequest {
  phase: string;
  action: PhaseAction;
  approved: boolean;
}

/** Stores a person's answer for a phase waiting for approval in an interactive run. */
export async function approve(
  deps: ControlDeps,
  runId: string,
  request: ApprovalRequest,
): Promise<PhaseState> {
  const run = await requireRun(deps, runId);
  const phase = phaseFromInput(request.phase);
  if (isRunFinished(run.status)) {
    throw new PerfplaneError('Conflict', `run ${runId} has finished (${run.status}); nothing to approve`);
  }
  const state = await deps.store.updatePhase(run.environment, phase.id, {
    approval: { approved: request.approved, at: nowIso(deps), action: request.action },
  });
  await deps.store.appendEvent(runId, {
    type: request.approved ? 'approval-granted' : 'approval-rejected',
    phase: phase.id,
    message: `${request.action} ${request.approved ? 'approved' : 'rejected'}`,
  });
  return state;
}

async function requireRun(deps: ControlDeps, runId: string): Promise<RunRecord> {
  const run = await deps.store.getRun(runId);
  if (!run) {
    throw new PerfplaneError('NotFound', `run "${runId}" not found; list runs with \`perfplane show-progress\``);
  }
  return run;
}

export interface RunView {
  run: RunRecord;
  phases: PhaseState[];
  events: RunEvent[];
}

export async function getRun(deps: ControlDeps, runId: string): Promise<RunView> {
  const run = await requireRun(deps, runId);
  const phases = await deps.store.listPhases(run.environment);
  const events = await deps.store.listEvents(runId);
  return { run, phases, events };
}

export interface ProgressView {
  environment: string;
  run?: RunRecord;
  phases: (PhaseState & { title: string; provided?: string })[];
  percent: number;
  elapsedSeconds: number;
  remainingSeconds: number;
  lock: { owner?: string; since?: string };
}

/** Gathers what the progress view shows for the environment's latest deploy run. */
export async function progress(deps: ControlDeps, environment: string): Promise<ProgressView> {
  const env = await environmentFromInput(deps, environment);
  const runs = await deps.store.listRuns(env.name, 20);
  const run = runs.find((entry) => entry.kind === 'run') ?? runs[0];
  const states = await phaseMap(deps, env.name);
  const phases = PHASES.map((phase) => {
    const state = states.get(phase.id) ?? {
      phaseId: phase.id,
      status: 'not-started' as const,
      attempt: 0,
      outputs: {},
      unmet: [],
      logs: {},
    };
    return { ...state, title: phase.title, provided: env.provided[phase.id] };
  });
  const covered = run?.kind === 'run' ? run.phases : PHASES.map((phase) => phase.id);
  const history: Partial<Record<PhaseId, number[]>> = {};
  for (const id of covered) {
    history[id] = await deps.store.listDurations(env.name, id);
  }
  const figures = computeProgress({
    phases: phases
      .filter((phase) => covered.includes(phase.phaseId))
      .map((phase) => ({ id: phase.phaseId, status: phase.status, percent: phase.percent })),
    history,
    startedAt: run?.startedAt,
    endedAt: run && isRunFinished(run.status) ? run.endedAt : undefined,
    now: deps.now?.() ?? new Date(),
  });
  const lock = await deps.store.getLock(env.name);
  return {
    environment: env.name,
    run,
    phases,
    ...figures,
    lock: { owner: lock.owner, since: lock.owner ? lock.acquiredAt : undefined },
  };
}

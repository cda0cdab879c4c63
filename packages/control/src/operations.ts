import {
  computeProgress,
  dependentsOf,
  type Environment,
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

/**
 * Returns the path from `id` to the first phase that blocks it, or an empty
 * list when `id` is met. A phase is met when it is completed, planned in the
 * same run (whose own checks cover it), or skipped or provided with every
 * dependency met in turn.
 */
function unmetPath(
  id: PhaseId,
  states: Map<PhaseId, PhaseState>,
  provided: Partial<Record<PhaseId, string>>,
  planned: PhaseId[],
): PhaseId[] {
  const status = statusOf(states, id);
  if (planned.includes(id) || status === 'completed') {
    return [];
  }
  if (status !== 'skipped' && provided[id] === undefined) {
    return [id];
  }
  for (const dep of PHASES.find((phase) => phase.id === id)?.dependsOn ?? []) {
    const path = unmetPath(dep, states, provided, planned);
    if (path.length > 0) {
      return [id, ...path];
    }
  }
  return [];
}

/** Raises DependencyNotMet naming the first unmet phase under `id` and the command that fixes it. */
function assertDependenciesMet(
  verb: 'deploy' | 'skip',
  id: PhaseId,
  states: Map<PhaseId, PhaseState>,
  provided: Partial<Record<PhaseId, string>>,
  planned: PhaseId[],
): void {
  const dependsOn = PHASES.find((phase) => phase.id === id)?.dependsOn ?? [];
  for (const dep of dependsOn.filter((entry) => !planned.includes(entry))) {
    const path = unmetPath(dep, states, provided, planned);
    const missing = path.at(-1);
    if (!missing) {
      continue;
    }
    const via =
      path.length > 1 ? ` (${path.slice(0, -1).join(' -> ')} is skipped but depends on it)` : '';
    const fix =
      verb === 'deploy'
        ? `run \`perfplane deploy ${missing}\` first`
        : `deploy or skip ${missing} first`;
    throw new PerfplaneError(
      'DependencyNotMet',
      `cannot ${verb} ${id}: ${missing} not completed or skipped${via}; ${fix}`,
    );
  }
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
    assertDependenciesMet('deploy', phase.id, states, env.provided, ids);
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

  // A rollback after the run undid what it deployed, so there is nothing left to continue.
  const newer = runs.slice(0, runs.indexOf(latest));
  const rollback = newer.find((run) => runKind(run.runId) === 'rollback');
  if (rollback) {
    throw new PerfplaneError(
      'NothingToResume',
      `nothing to resume in "${env.name}": run ${latest.runId} was followed by rollback ${rollback.runId}; start again with \`perfplane run-all\``,
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
  for (const id of remaining) {
    assertDependenciesMet('deploy', id, states, env.provided, remaining);
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

/** Result of a rollback request that found nothing deployed, so it started no run. */
export interface NothingToRollBack {
  nothingToRollBack: true;
  phases: PhaseId[];
  message: string;
}

/**
 * Rolls back one phase, with its deployed dependents when cascading, or
 * every phase. A phase that was never deployed or is already rolled back
 * starts no run.
 */
export async function rollback(
  deps: ControlDeps,
  environment: string,
  request: RollbackRequest,
): Promise<Run | NothingToRollBack> {
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
  if (request.phase === undefined) {
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
  const status = statusOf(states, phase.id);
  const undeployed: Record<string, string> = {
    'not-started': 'not deployed',
    'rolled-back': 'already rolled back',
    skipped: 'skipped, so perfplane deployed nothing for it',
  };
  if (deployedDependents.length === 0 && undeployed[status] !== undefined) {
    return {
      nothingToRollBack: true,
      phases: [],
      message: `nothing to roll back: ${phase.id} is ${undeployed[status]} in "${env.name}"`,
    };
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
  assertDependenciesMet('skip', phase.id, states, env.provided, []);

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

/** Build ids a run started and that have no build-finished event yet. */
export function runningBuildsOf(events: RunEvent[]): string[] {
  const finished = new Set(
    events
      .filter((event) => event.type === 'build-finished')
      .map((event) => String(event.data?.buildId ?? '')),
  );
  return buildsOf(events).filter((id) => !finished.has(id));
}

export interface StopResult {
  stopped: boolean;
  runId?: string;
  builds: string[];
  /** Processes the platform stop ended besides builds, one line each, such as k6 and the simulator of a rehearsal. */
  platform: string[];
  message: string;
}

/** Runs the platform's own stop, such as ending k6 and the simulator of a rehearsal. */
async function stopPlatform(deps: ControlDeps, env: Environment): Promise<string[]> {
  return deps.stopPlatform ? deps.stopPlatform(env) : [];
}

/**
 * Stops the environment's active run: records stopping, stops the
 * execution and the builds still running, frees the lock, runs the
 * platform stop, and records stopped last. A second call finds no run and
 * only repeats the platform stop, which signals live processes only.
 */
export async function emergencyStop(deps: ControlDeps, environment: string): Promise<StopResult> {
  const env = await deps.loadEnvironment(environment);
  const run = await activeRun(deps.store, env.name);
  if (!run) {
    const platform = await stopPlatform(deps, env);
    return {
      stopped: false,
      builds: [],
      platform,
      message: `no run in progress in "${env.name}"${platform.length ? `; ${platform.join('; ')}` : ''}`,
    };
  }
  await deps.store.updateRun(run.runId, { status: 'stopping', reason: 'emergency stop' });
  await deps.store.appendEvent(run.runId, {
    type: 'emergency-stop',
    message: 'emergency stop requested',
  });

  if (run.executionArn) {
    await deps.orchestrator.stop(run.executionArn, 'emergency stop');
  }
  const builds = runningBuildsOf(await deps.store.listEvents(run.runId));
  for (const buildId of builds) {
    await deps.builds.stop(buildId);
  }
  const platform = await stopPlatform(deps, env);

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
    message: `stopped the execution and ${builds.length} running build(s)`,
    data: { builds, platform },
  });
  const extra = platform.length ? `; ${platform.join('; ')}` : '';
  return {
    stopped: true,
    runId: run.runId,
    builds,
    platform,
    message: `stopped run ${run.runId} and ${builds.length} running build(s)${extra}`,
  };
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
  /** Estimate for the phases still to run; 0 when no run is active or resumable. */
  remainingSeconds: number;
  /** True when remainingSeconds applies only once the stopped or failed run is resumed. */
  remainingIfResumed: boolean;
  lock: { owner?: string; since?: string };
}

/** Phases whose approval the run requested and no one has approved or rejected yet. */
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
    expectedMinutes: env.expectedMinutes,
    startedAt: run?.startedAt ?? run?.createdAt,
    endedAt: run && isRunFinished(run.status) ? run.endedAt : undefined,
    now: deps.now?.() ?? new Date(),
  });
  const lock = await readLock(deps.store, env.name);
  // Phases still to run count only while a deploy run is active, or while it
  // is the latest run and can be resumed. After it succeeded, or after a
  // later rollback or validate run, no phase is going to run.
  const deploying = run !== undefined && runKind(run.runId) === 'run';
  const active = deploying && !isRunFinished(run.status);
  const resumable = deploying && runs[0]?.runId === run.runId && RESUMABLE.includes(run.status);
  return {
    environment: env.name,
    run: run ? { ...run, kind: runKind(run.runId) } : undefined,
    phases,
    ...figures,
    remainingSeconds: active || resumable ? figures.remainingSeconds : 0,
    remainingIfResumed: resumable,
    lock: { owner: lock.owner, since: lock.owner ? lock.acquiredAt : undefined },
  };
}

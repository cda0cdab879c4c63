import type { PhaseId } from '@perfplane/core';

/** Status of a run, from the request until it ends. */
export const RUN_STATUSES = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'requirements-not-met',
  'stopping',
  'stopped',
  'interrupted',
] as const;

export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * Run statuses after which the run does no more work. A lock whose owner run
 * is in one of them may be reclaimed before its lease expires.
 */
export const FINAL_RUN_STATUSES: readonly RunStatus[] = [
  'succeeded',
  'failed',
  'requirements-not-met',
  'stopped',
  'interrupted',
];

/** Status of one phase in one environment. */
export const PHASE_STATUSES = [
  'not-started',
  'running',
  'completed',
  'failed',
  'requirements-not-met',
  'skipped',
  'rolling-back',
  'rolled-back',
  'stopped',
] as const;

export type PhaseStatus = (typeof PHASE_STATUSES)[number];

/** Action a phase build performs. */
export type PhaseAction = 'deploy' | 'validate' | 'rollback';

/** Error recorded on a run or phase: a PerfplaneError code (or another name) and its message. */
export interface RecordedError {
  code: string;
  message: string;
}

export interface Run {
  runId: string;
  environment: string;
  status: RunStatus;
  /** Phases the run was asked to walk, in run order. */
  phases: PhaseId[];
  interactive: boolean;
  /** ISO 8601 UTC time the run was created, which also orders the environment's runs. */
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  endedAt?: string;
  /** Step Functions execution ARN, or the embedded engine's execution id. */
  executionArn?: string;
  /** Phase being worked on, when the run is running. */
  currentPhase?: PhaseId;
  reason?: string;
  error?: RecordedError;
  /** Highest lock fence that has written this run, absent until a lock holder writes. */
  fence?: number;
}

export interface CreateRunInput {
  /** Defaults to a new id from `newRunId`. */
  runId?: string;
  environment: string;
  phases: PhaseId[];
  interactive?: boolean;
  /** Defaults to `pending`. */
  status?: RunStatus;
  executionArn?: string;
  /** Defaults to the current time. */
  createdAt?: string;
}

/**
 * Changes to a run. `null` removes an optional field, and `undefined` leaves
 * it as it is.
 */
export interface RunPatch {
  status?: RunStatus;
  startedAt?: string | null;
  endedAt?: string | null;
  executionArn?: string | null;
  currentPhase?: PhaseId | null;
  reason?: string | null;
  error?: RecordedError | null;
}

export interface UpdateRunOptions {
  /**
   * The writer's lock fence. When given, the write is rejected with StaleFence
   * if the run carries a higher fence, and the run then stores this fence.
   * Writers that hold no lock (an emergency stop marking the run `stopping`)
   * omit it, and only the status transition is checked.
   */
  fence?: number;
  /** Time stored as `updatedAt`, by default the current time. */
  now?: string;
}

/** The environment's current state of one phase. */
export interface PhaseState {
  environment: string;
  phaseId: PhaseId;
  status: PhaseStatus;
  action?: PhaseAction;
  /** Percent of the current action, 0 to 100. */
  percent: number;
  /** Current step of the action, as the phase script reported it. */
  step?: string;
  startedAt?: string;
  endedAt?: string;
  /** Number of times the phase was started, 0 before the first start. */
  attempt: number;
  runId?: string;
  /** CodeBuild build id or the local build runner's build id. */
  buildId?: string;
  /** Location of the action's log: an S3 key or a local file path. */
  logLocation?: string;
  /** Outputs the phase recorded for later phases. */
  outputs: Record<string, string>;
  reason?: string;
  error?: RecordedError;
  /** Requirements the prerequisites check found missing. */
  unmet?: string[];
  /** Fence of the last lock holder that wrote this state, 0 when never written. */
  fence: number;
  updatedAt?: string;
}

/**
 * Changes to a phase state. `null` removes an optional field, and
 * `undefined` leaves it as it is. `attempt: 'increment'` adds one to the stored attempt.
 */
export interface PhaseStatePatch {
  status?: PhaseStatus;
  action?: PhaseAction | null;
  percent?: number;
  step?: string | null;
  startedAt?: string | null;
  endedAt?: string | null;
  attempt?: number | 'increment';
  runId?: string | null;
  buildId?: string | null;
  logLocation?: string | null;
  /** Replaces the whole outputs map. */
  outputs?: Record<string, string>;
  reason?: string | null;
  error?: RecordedError | null;
  unmet?: string[] | null;
}

/** The environment lock as stored. */
export interface LockState {
  environment: string;
  /** Run id of the holder, absent when the lock is free. */
  owner?: string;
  /**
   * Counter raised on every acquire. The store never deletes the lock item. If
   * a TTL sweep on AWS removes an abandoned one, the next acquire starts above
   * every fence stored on the environment's phase states.
   */
  fence: number;
  acquiredAt?: string;
  expiresAt?: string;
  releasedAt?: string;
}

export interface AcquireLockInput {
  environment: string;
  /** Run id of the caller. */
  owner: string;
  /** Lease length in milliseconds. */
  leaseMs: number;
  /** Current time by default. Tests pass a fixed clock. */
  now?: Date;
  /**
   * Extra check whether a holder run has ended, consulted when the store's own
   * run record does not show a final status (for example a Step Functions
   * execution that was aborted without updating the run).
   */
  ownerEnded?: (runId: string) => Promise<boolean>;
}

export interface LockGrant {
  environment: string;
  owner: string;
  fence: number;
  acquiredAt: string;
  expiresAt: string;
  /** Set when the lease was taken over from another holder. */
  reclaimed?: { owner: string; reason: 'expired' | 'owner-ended' };
}

export interface RenewLockInput {
  environment: string;
  owner: string;
  fence: number;
  leaseMs: number;
  now?: Date;
}

/** Names of run events. Log queries and the progress view rely on them, so the list is closed. */
export const EVENT_TYPES = [
  'run-created',
  'run-started',
  'run-resumed',
  'run-succeeded',
  'run-failed',
  'run-requirements-not-met',
  'run-stopping',
  'run-stopped',
  'run-interrupted',
  'lock-acquired',
  'lock-renewed',
  'lock-released',
  'lock-reclaimed',
  'phase-gate',
  'phase-started',
  'phase-progress',
  'phase-output',
  'phase-completed',
  'phase-failed',
  'phase-requirements-not-met',
  'phase-skipped',
  'phase-rollback-started',
  'phase-rolled-back',
  'phase-validated',
  'phase-validation-failed',
  'build-started',
  'build-finished',
  'approval-requested',
  'approval-granted',
  'approval-rejected',
  'emergency-stop',
  'cost-saving-on',
  'cost-saving-off',
  'support-bundle-created',
  'report-created',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface AppendEventInput {
  type: EventType;
  phase?: PhaseId;
  message: string;
  data?: Record<string, unknown>;
  /** Defaults to the current time. */
  at?: string;
}

export interface RunEvent {
  runId: string;
  type: EventType;
  phase?: PhaseId;
  message: string;
  data?: Record<string, unknown>;
  /** ISO 8601 UTC time of the event. */
  at: string;
  /** Sort key of the event, unique within the run. */
  id: string;
}

/** Seconds a completed deploy of a phase took, kept for the ETA. */
export interface DurationRecord {
  environment: string;
  phaseId: PhaseId;
  seconds: number;
  endedAt: string;
}

/**
 * The state store's operations. The `Store` class implements it over
 * DynamoDB, and callers depend on this type so tests and adapters can swap it.
 */
export interface StateRepository {
  createRun(input: CreateRunInput): Promise<Run>;
  getRun(runId: string): Promise<Run | undefined>;
  updateRun(runId: string, patch: RunPatch, options?: UpdateRunOptions): Promise<Run>;
  /** Runs of an environment, newest first. */
  listRuns(environment: string, limit?: number): Promise<Run[]>;
  latestRun(environment: string): Promise<Run | undefined>;
  /** Returns the newest run of the environment unless it succeeded. Resume continues that run. */
  findUnfinishedRun(environment: string): Promise<Run | undefined>;

  /** All eight phases in catalog order, unwritten ones as `not-started`. */
  getPhaseStates(environment: string): Promise<PhaseState[]>;
  getPhaseState(environment: string, phaseId: PhaseId): Promise<PhaseState>;
  updatePhaseState(
    environment: string,
    phaseId: PhaseId,
    patch: PhaseStatePatch,
    fence: number,
  ): Promise<PhaseState>;

  acquireLock(input: AcquireLockInput): Promise<LockGrant>;
  renewLock(input: RenewLockInput): Promise<LockGrant>;
  releaseLock(environment: string, owner: string, fence: number): Promise<void>;
  getLock(environment: string): Promise<LockState | undefined>;

  appendEvent(runId: string, event: AppendEventInput): Promise<RunEvent>;
  /** Events of a run, oldest first. */
  listEvents(runId: string): Promise<RunEvent[]>;

  recordDuration(
    environment: string,
    phaseId: PhaseId,
    seconds: number,
    endedAt: string,
  ): Promise<DurationRecord>;
  /** Recorded durations of a phase, newest first. */
  listDurations(environment: string, phaseId: PhaseId, limit?: number): Promise<DurationRecord[]>;
}

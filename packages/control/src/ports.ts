import type { Environment, PhaseId, PhaseStatus, RunStatus } from '@perfplane/core';

// TODO: import these from @perfplane/store once its branch is merged; until
// then they mirror its StateRepository shapes so the Store class fits as is.

export type PhaseAction = 'deploy' | 'validate' | 'rollback';

/** Which state machine a run executes. */
export type MachineName = 'run' | 'rollback' | 'validate';

export interface RecordedError {
  code: string;
  message: string;
}

export interface Run {
  runId: string;
  environment: string;
  status: RunStatus;
  phases: PhaseId[];
  interactive: boolean;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  endedAt?: string;
  executionArn?: string;
  currentPhase?: PhaseId;
  reason?: string;
  error?: RecordedError;
  fence?: number;
}

export interface CreateRunInput {
  runId?: string;
  environment: string;
  phases: PhaseId[];
  interactive?: boolean;
  status?: RunStatus;
  executionArn?: string;
  createdAt?: string;
}

export interface RunPatch {
  status?: RunStatus;
  startedAt?: string | null;
  endedAt?: string | null;
  executionArn?: string | null;
  currentPhase?: PhaseId | null;
  reason?: string | null;
  error?: RecordedError | null;
}

export interface PhaseState {
  environment: string;
  phaseId: PhaseId;
  status: PhaseStatus;
  action?: PhaseAction;
  percent: number;
  step?: string;
  startedAt?: string;
  endedAt?: string;
  attempt: number;
  runId?: string;
  buildId?: string;
  logLocation?: string;
  outputs: Record<string, string>;
  reason?: string;
  error?: RecordedError;
  unmet?: string[];
  fence: number;
  updatedAt?: string;
}

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
  outputs?: Record<string, string>;
  reason?: string | null;
  error?: RecordedError | null;
  unmet?: string[] | null;
}

export interface LockState {
  environment: string;
  owner?: string;
  fence: number;
  acquiredAt?: string;
  expiresAt?: string;
  releasedAt?: string;
}

export interface LockGrant {
  environment: string;
  owner: string;
  fence: number;
  acquiredAt: string;
  expiresAt: string;
  reclaimed?: { owner: string; reason: 'expired' | 'owner-ended' };
}

export interface AcquireLockInput {
  environment: string;
  owner: string;
  leaseMs: number;
  now?: Date;
  ownerEnded?: (runId: string) => Promise<boolean>;
}

export type EventType =
  | 'run-created'
  | 'run-started'
  | 'run-resumed'
  | 'run-succeeded'
  | 'run-failed'
  | 'run-requirements-not-met'
  | 'run-stopping'
  | 'run-stopped'
  | 'run-interrupted'
  | 'lock-acquired'
  | 'lock-released'
  | 'lock-reclaimed'
  | 'phase-gate'
  | 'phase-started'
  | 'phase-completed'
  | 'phase-failed'
  | 'phase-requirements-not-met'
  | 'phase-skipped'
  | 'phase-rollback-started'
  | 'phase-rolled-back'
  | 'phase-validated'
  | 'phase-validation-failed'
  | 'build-started'
  | 'build-finished'
  | 'approval-requested'
  | 'approval-granted'
  | 'approval-rejected'
  | 'emergency-stop'
  | 'cost-saving-on'
  | 'cost-saving-off'
  | 'support-bundle-created';

export interface AppendEventInput {
  type: EventType;
  phase?: PhaseId;
  message: string;
  data?: Record<string, unknown>;
  at?: string;
}

export interface RunEvent {
  runId: string;
  type: EventType;
  phase?: PhaseId;
  message: string;
  data?: Record<string, unknown>;
  at: string;
  id: string;
}

export interface DurationRecord {
  environment: string;
  phaseId: PhaseId;
  seconds: number;
  endedAt: string;
}

/** The store operations the control plane uses; the DynamoDB Store class implements them. */
export interface Store {
  createRun(input: CreateRunInput): Promise<Run>;
  getRun(runId: string): Promise<Run | undefined>;
  updateRun(runId: string, patch: RunPatch, options?: { fence?: number }): Promise<Run>;
  listRuns(environment: string, limit?: number): Promise<Run[]>;
  getPhaseStates(environment: string): Promise<PhaseState[]>;
  getPhaseState(environment: string, phaseId: PhaseId): Promise<PhaseState>;
  updatePhaseState(
    environment: string,
    phaseId: PhaseId,
    patch: PhaseStatePatch,
    fence: number,
  ): Promise<PhaseState>;
  acquireLock(input: AcquireLockInput): Promise<LockGrant>;
  releaseLock(environment: string, owner: string, fence: number): Promise<void>;
  getLock(environment: string): Promise<LockState | undefined>;
  appendEvent(runId: string, event: AppendEventInput): Promise<RunEvent>;
  listEvents(runId: string): Promise<RunEvent[]>;
  recordDuration(
    environment: string,
    phaseId: PhaseId,
    seconds: number,
    endedAt: string,
  ): Promise<DurationRecord>;
  listDurations(environment: string, phaseId: PhaseId, limit?: number): Promise<DurationRecord[]>;
}

/** Object storage for bundles, phase outputs and reports; the store's Artifacts class fits. */
export interface Artifacts {
  readonly bucket: string;
  putObject(
    key: string,
    body: string | Uint8Array,
    options?: { contentType?: string },
  ): Promise<{ key: string }>;
  list(prefix: string): Promise<{ key: string; size: number; lastModified?: string }[]>;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'UNKNOWN';

export interface MachineInput {
  runId: string;
  environment: string;
  phases: PhaseId[];
  interactive: boolean;
}

/** Step Functions, or the local engine that runs the same definitions. */
export interface Orchestrator {
  start(machine: MachineName, input: MachineInput): Promise<string>;
  stop(executionId: string, cause: string): Promise<void>;
  status(executionId: string): Promise<ExecutionStatus>;
}

/** Stops builds: CodeBuild on AWS, process groups on one machine. */
export interface BuildController {
  stop(buildId: string): Promise<void>;
}

/** Reads the logs a run's builds wrote. */
export interface LogReader {
  readRunLogs(runId: string): Promise<{ name: string; text: string }[]>;
}

export interface CostSavingResult {
  phase: PhaseId;
  outcome: 'done' | 'failed' | 'no-script';
  message: string;
}

/** Runs the phases' cost-saving scripts. */
export interface CostSaver {
  apply(
    environment: string,
    action: 'on' | 'off',
    retainData: boolean,
  ): Promise<CostSavingResult[]>;
}

/** Everything the control operations use; the Lambdas and the embedded service wire their own. */
export interface ControlDeps {
  store: Store;
  artifacts: Artifacts;
  orchestrator: Orchestrator;
  builds: BuildController;
  logs: LogReader;
  costSaver: CostSaver;
  loadEnvironment(name: string): Promise<Environment>;
  /**
   * Checks what a run of these phases needs before anything is recorded,
   * such as the embedded runtime parsing the buildspecs.
   */
  preflight?(phases: PhaseId[], action: PhaseAction): Promise<void>;
  /** Folder where the embedded runtime also writes support bundles; absent on AWS. */
  bundleDir?: string;
  now?: () => Date;
}

import type { Environment, PhaseId, PhaseStatus, RunStatus } from '@perfplane/core';

/** A phase action: what a build of the phase does. */
export type PhaseAction = 'deploy' | 'validate' | 'rollback';

/** Which state machine a run executes. */
export type MachineName = 'run' | 'rollback' | 'validate';

/** A build a run started; kept so that a stop can end it. */
export interface BuildRecord {
  id: string;
  phase: PhaseId;
  action: PhaseAction;
  startedAt: string;
  /** Process group of the local build; absent on CodeBuild. */
  pgid?: number;
}

export interface RunRecord {
  runId: string;
  environment: string;
  kind: MachineName;
  status: RunStatus;
  phases: PhaseId[];
  interactive: boolean;
  startedAt: string;
  endedAt?: string;
  executionId?: string;
  builds: BuildRecord[];
  error?: { code: string; message: string };
}

/** Result of the latest validate build of a phase. */
export interface ValidationResult {
  ok: boolean;
  message: string;
  at: string;
  runId: string;
}

/** The environment's current state of one phase. */
export interface PhaseState {
  phaseId: PhaseId;
  status: PhaseStatus;
  runId?: string;
  attempt: number;
  action?: PhaseAction;
  percent?: number;
  step?: string;
  startedAt?: string;
  endedAt?: string;
  outputs: Record<string, string>;
  unmet: string[];
  skipReason?: string;
  error?: string;
  /** Log location per action, such as a file path or a CloudWatch stream. */
  logs: Partial<Record<PhaseAction, string>>;
  validation?: ValidationResult;
  approval?: { approved: boolean; at: string; action: PhaseAction };
  awaitingApproval?: boolean;
}

export type PhasePatch = Partial<Omit<PhaseState, 'phaseId'>>;

export interface LockState {
  owner?: string;
  fence: number;
  acquiredAt?: string;
  expiresAt?: string;
}

export interface RunEvent {
  at: string;
  type: string;
  phase?: PhaseId;
  message: string;
}

/**
 * What the control operations need from persistence. The DynamoDB store
 * implements it; each write that names a fence is rejected with StaleFence
 * when the item already carries a higher fence.
 */
export interface Store {
  createRun(run: RunRecord): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  updateRun(runId: string, patch: Partial<RunRecord>, fence?: number): Promise<RunRecord>;
  /** Runs of the environment, newest first. */
  listRuns(environment: string, limit: number): Promise<RunRecord[]>;

  getPhase(environment: string, phaseId: PhaseId): Promise<PhaseState>;
  listPhases(environment: string): Promise<PhaseState[]>;
  updatePhase(
    environment: string,
    phaseId: PhaseId,
    patch: PhasePatch,
    fence?: number,
  ): Promise<PhaseState>;

  getLock(environment: string): Promise<LockState>;
  /**
   * Takes the lock for `owner` when it is free, expired, or `reclaim` names
   * the fence read from a lock whose owner run has ended. Returns the new
   * fence; raises LockHeld otherwise.
   */
  acquireLock(
    environment: string,
    owner: string,
    leaseSeconds: number,
    reclaim?: { fence: number },
  ): Promise<number>;
  releaseLock(environment: string, owner: string, fence: number): Promise<void>;

  appendEvent(runId: string, event: Omit<RunEvent, 'at'>): Promise<void>;
  listEvents(runId: string): Promise<RunEvent[]>;

  recordDuration(environment: string, phaseId: PhaseId, seconds: number): Promise<void>;
  listDurations(environment: string, phaseId: PhaseId): Promise<number[]>;
}

/** Object storage for bundles, phase outputs and reports. */
export interface Artifacts {
  put(key: string, body: Buffer | string, contentType?: string): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
  list(prefix: string): Promise<string[]>;
  /** Where a person finds the object, such as an s3:// URL or a local path. */
  locate(key: string): string;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'UNKNOWN';

/** Step Functions, or the local engine that runs the same definitions. */
export interface Orchestrator {
  start(machine: MachineName, input: MachineInput): Promise<string>;
  stop(executionId: string, cause: string): Promise<void>;
  status(executionId: string): Promise<ExecutionStatus>;
}

export interface MachineInput {
  runId: string;
  environment: string;
  phases: PhaseId[];
  interactive: boolean;
}

/** Stops builds: CodeBuild on AWS, process groups on one machine. */
export interface BuildController {
  stop(buildId: string): Promise<void>;
}

/** Reads the logs a run's builds wrote. */
export interface LogReader {
  readRunLogs(runId: string): Promise<{ name: string; text: string }[]>;
}

/** Runs the phases' cost-saving scripts. */
export interface CostSaver {
  apply(
    environment: string,
    action: 'on' | 'off',
    retainData: boolean,
  ): Promise<{ phase: PhaseId; outcome: 'done' | 'failed' | 'no-script'; message: string }[]>;
}

/** Everything the control operations use, so Lambdas and the embedded service wire their own. */
export interface ControlDeps {
  store: Store;
  artifacts: Artifacts;
  orchestrator: Orchestrator;
  builds: BuildController;
  logs: LogReader;
  costSaver: CostSaver;
  loadEnvironment(name: string): Promise<Environment>;
  now?: () => Date;
  newId?: () => string;
}

import type { Environment, PhaseId } from '@perfplane/core';
import type { PhaseAction, StateRepository } from '@perfplane/store';

export type {
  AcquireLockInput,
  AppendEventInput,
  CreateRunInput,
  DurationRecord,
  EventType,
  LockGrant,
  LockState,
  PhaseAction,
  PhaseState,
  PhaseStatePatch,
  RecordedError,
  Run,
  RunEvent,
  RunPatch,
  StateRepository as Store,
} from '@perfplane/store';

/** Name of the state machine a run executes. */
export type MachineName = 'run' | 'rollback' | 'validate';

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
  store: StateRepository;
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

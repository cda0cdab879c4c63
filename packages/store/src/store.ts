import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PhaseId } from '@perfplane/core';
import { createDocumentClient } from './clients.js';
import type { TableContext } from './context.js';
import * as durations from './durations.js';
import * as events from './events.js';
import * as locks from './locks.js';
import * as phaseStates from './phase-state.js';
import * as runs from './runs.js';
import type {
  AcquireLockInput,
  AppendEventInput,
  CreateRunInput,
  DurationRecord,
  LockGrant,
  LockState,
  PhaseState,
  PhaseStatePatch,
  RenewLockInput,
  Run,
  RunEvent,
  RunPatch,
  StateRepository,
  UpdateRunOptions,
} from './types.js';

export interface StoreOptions {
  client: DynamoDBClient;
  tableName: string;
}

/**
 * The state store over one DynamoDB table (see `tableDefinition`). Every
 * write is a single-item conditional write, and a failed condition becomes a
 * PerfplaneError: LockHeld, StaleFence, Conflict or NotFound.
 */
export class Store implements StateRepository {
  private readonly context: TableContext;

  constructor(options: StoreOptions) {
    this.context = { doc: createDocumentClient(options.client), tableName: options.tableName };
  }

  createRun(input: CreateRunInput): Promise<Run> {
    return runs.createRun(this.context, input);
  }

  getRun(runId: string): Promise<Run | undefined> {
    return runs.getRun(this.context, runId);
  }

  updateRun(runId: string, patch: RunPatch, options?: UpdateRunOptions): Promise<Run> {
    return runs.updateRun(this.context, runId, patch, options);
  }

  listRuns(environment: string, limit?: number): Promise<Run[]> {
    return runs.listRuns(this.context, environment, limit);
  }

  async latestRun(environment: string): Promise<Run | undefined> {
    const [latest] = await runs.listRuns(this.context, environment, 1);
    return latest;
  }

  async findUnfinishedRun(environment: string): Promise<Run | undefined> {
    const latest = await this.latestRun(environment);
    return latest && latest.status !== 'succeeded' ? latest : undefined;
  }

  getPhaseStates(environment: string): Promise<PhaseState[]> {
    return phaseStates.getPhaseStates(this.context, environment);
  }

  getPhaseState(environment: string, phaseId: PhaseId): Promise<PhaseState> {
    return phaseStates.getPhaseState(this.context, environment, phaseId);
  }

  updatePhaseState(
    environment: string,
    phaseId: PhaseId,
    patch: PhaseStatePatch,
    fence: number,
  ): Promise<PhaseState> {
    return phaseStates.updatePhaseState(this.context, environment, phaseId, patch, fence);
  }

  acquireLock(input: AcquireLockInput): Promise<LockGrant> {
    return locks.acquireLock(this.context, input);
  }

  renewLock(input: RenewLockInput): Promise<LockGrant> {
    return locks.renewLock(this.context, input);
  }

  releaseLock(environment: string, owner: string, fence: number): Promise<void> {
    return locks.releaseLock(this.context, environment, owner, fence);
  }

  getLock(environment: string): Promise<LockState | undefined> {
    return locks.getLock(this.context, environment);
  }

  appendEvent(runId: string, event: AppendEventInput): Promise<RunEvent> {
    return events.appendEvent(this.context, runId, event);
  }

  listEvents(runId: string): Promise<RunEvent[]> {
    return events.listEvents(this.context, runId);
  }

  recordDuration(
    environment: string,
    phaseId: PhaseId,
    seconds: number,
    endedAt: string,
  ): Promise<DurationRecord> {
    return durations.recordDuration(this.context, environment, phaseId, seconds, endedAt);
  }

  listDurations(environment: string, phaseId: PhaseId, limit?: number): Promise<DurationRecord[]> {
    return durations.listDurations(this.context, environment, phaseId, limit);
  }
}

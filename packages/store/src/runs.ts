import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PerfplaneError } from '@perfplane/core';
import {
  allOf,
  fenceAtMost,
  isConditionFailure,
  itemAbsent,
  itemPresent,
  statusIn,
} from './conditions.js';
import { assertLimit, MAX_PAGES, stripKeys, type TableContext } from './context.js';
import {
  assertEnvironment,
  assertPhaseId,
  assertRunId,
  assertTimestamp,
  ENV_PARTITION,
  newRunId,
  runIndexKey,
  runKey,
} from './keys.js';
import { GSI1 } from './table.js';
import {
  type CreateRunInput,
  RUN_STATUSES,
  type Run,
  type RunPatch,
  type RunStatus,
  type UpdateRunOptions,
} from './types.js';
import { buildUpdate, withCondition } from './update.js';

/**
 * Statuses a run may move to each status from. Moving to the status it
 * already has is always allowed. A run that failed, stopped, was interrupted
 * or met unmet requirements may go back to `running` when it is resumed.
 */
const TRANSITIONS_FROM: Record<RunStatus, readonly RunStatus[]> = {
  pending: [],
  running: ['pending', 'failed', 'requirements-not-met', 'stopped', 'interrupted'],
  succeeded: ['running'],
  failed: ['pending', 'running', 'stopping'],
  'requirements-not-met': ['pending', 'running'],
  stopping: ['pending', 'running'],
  stopped: ['pending', 'running', 'stopping', 'interrupted'],
  interrupted: ['pending', 'running', 'stopping'],
};

export async function createRun(context: TableContext, input: CreateRunInput): Promise<Run> {
  const runId = input.runId ?? newRunId();
  const createdAt = input.createdAt ?? new Date().toISOString();
  assertRunId(runId);
  assertEnvironment(input.environment);
  assertTimestamp(createdAt, 'createdAt');
  assertRunStatus(input.status ?? 'pending');
  if (input.phases.length === 0) {
    throw new PerfplaneError('InvalidArgument', `run ${runId} has no phases: pass at least one`);
  }
  for (const phase of input.phases) {
    assertPhaseId(phase);
  }

  const run: Run = {
    runId,
    environment: input.environment,
    status: input.status ?? 'pending',
    phases: [...input.phases],
    interactive: input.interactive ?? false,
    createdAt,
    updatedAt: createdAt,
    executionArn: input.executionArn,
  };
  // A run id is written once, so a second create with the same id is a conflict.
  const condition = itemAbsent();
  try {
    await context.doc.send(
      new PutCommand({
        TableName: context.tableName,
        Item: { ...runKey(runId), ...runIndexKey(run.environment, createdAt, runId), ...run },
        ConditionExpression: condition.expression,
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) {
      throw new PerfplaneError('Conflict', `run ${runId} already exists: use a new run id`, {
        cause: error,
        details: { runId },
      });
    }
    throw error;
  }
  return withoutUndefined(run);
}

export async function getRun(context: TableContext, runId: string): Promise<Run | undefined> {
  assertRunId(runId);
  const output = await context.doc.send(
    new GetCommand({ TableName: context.tableName, Key: runKey(runId), ConsistentRead: true }),
  );
  return output.Item ? stripKeys<Run>(output.Item) : undefined;
}

export async function updateRun(
  context: TableContext,
  runId: string,
  patch: RunPatch,
  options: UpdateRunOptions = {},
): Promise<Run> {
  assertRunId(runId);
  validateRunPatch(patch, options);
  const now = options.now ?? new Date().toISOString();

  const update = buildUpdate({
    status: patch.status,
    startedAt: patch.startedAt,
    endedAt: patch.endedAt,
    executionArn: patch.executionArn,
    currentPhase: patch.currentPhase,
    reason: patch.reason,
    error: patch.error,
    updatedAt: now,
    fence: options.fence,
  });
  const condition = allOf(
    // Never create a run through an update.
    itemPresent(),
    // A later lock holder has written the run: this writer is stale.
    ...(options.fence === undefined ? [] : [fenceAtMost(options.fence)]),
    // Only listed transitions into the new status.
    ...(patch.status === undefined ? [] : [statusIn(allowedSources(patch.status))]),
  );

  try {
    const output = await context.doc.send(
      new UpdateCommand({
        TableName: context.tableName,
        Key: runKey(runId),
        ...withCondition(update, condition),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return stripKeys<Run>(output.Attributes ?? {});
  } catch (error) {
    if (isConditionFailure(error)) {
      throw await explainRunRejection(context, runId, patch, options.fence, error);
    }
    throw error;
  }
}

/** Runs of an environment, newest first, through gsi1. */
export async function listRuns(
  context: TableContext,
  environment: string,
  limit = 20,
): Promise<Run[]> {
  assertEnvironment(environment);
  assertLimit(limit, 1000);
  const runs: Run[] = [];
  let startKey: Record<string, unknown> | undefined;

  for (let page = 0; page < MAX_PAGES && runs.length < limit; page++) {
    const output = await context.doc.send(
      new QueryCommand({
        TableName: context.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :environment',
        ExpressionAttributeValues: { ':environment': ENV_PARTITION(environment) },
        ScanIndexForward: false,
        Limit: limit - runs.length,
        ExclusiveStartKey: startKey,
      }),
    );
    runs.push(...(output.Items ?? []).map((item) => stripKeys<Run>(item)));
    startKey = output.LastEvaluatedKey;
    if (!startKey) {
      break;
    }
  }
  return runs;
}

function allowedSources(status: RunStatus): RunStatus[] {
  return [status, ...TRANSITIONS_FROM[status]];
}

function assertRunStatus(status: string): asserts status is RunStatus {
  if (!(RUN_STATUSES as readonly string[]).includes(status)) {
    throw new PerfplaneError(
      'InvalidArgument',
      `invalid run status "${status}": expected one of ${RUN_STATUSES.join(', ')}`,
    );
  }
}

function validateRunPatch(patch: RunPatch, options: UpdateRunOptions): void {
  if (patch.status !== undefined) {
    assertRunStatus(patch.status);
  }
  for (const field of ['startedAt', 'endedAt'] as const) {
    const value = patch[field];
    if (typeof value === 'string') {
      assertTimestamp(value, field);
    }
  }
  if (patch.currentPhase) {
    assertPhaseId(patch.currentPhase);
  }
  if (options.now !== undefined) {
    assertTimestamp(options.now, 'now');
  }
  if (options.fence !== undefined) {
    assertFence(options.fence);
  }
}

export function assertFence(fence: number): void {
  if (!Number.isInteger(fence) || fence < 1) {
    throw new PerfplaneError(
      'InvalidArgument',
      `invalid fence ${fence}: expected the positive whole number acquireLock returned`,
    );
  }
}

// A failed condition does not say which part failed, so read the run and
// name the first part that no longer holds.
async function explainRunRejection(
  context: TableContext,
  runId: string,
  patch: RunPatch,
  fence: number | undefined,
  cause: unknown,
): Promise<PerfplaneError> {
  const stored = await getRun(context, runId);
  if (!stored) {
    return new PerfplaneError('NotFound', `run ${runId} not found: create it before updating it`, {
      cause,
      details: { runId },
    });
  }
  if (fence !== undefined && stored.fence !== undefined && stored.fence > fence) {
    return new PerfplaneError(
      'StaleFence',
      `run ${runId} was written with fence ${stored.fence}, newer than fence ${fence}: this writer lost the environment lock and must stop`,
      { cause, details: { runId, storedFence: stored.fence, fence } },
    );
  }
  if (patch.status !== undefined && !allowedSources(patch.status).includes(stored.status)) {
    return new PerfplaneError(
      'Conflict',
      `run ${runId} cannot move from ${stored.status} to ${patch.status}: allowed from ${allowedSources(patch.status).join(', ')}`,
      { cause, details: { runId, from: stored.status, to: patch.status } },
    );
  }
  return new PerfplaneError(
    'Conflict',
    `run ${runId} changed while it was being updated: read it again and retry`,
    { cause, details: { runId } },
  );
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

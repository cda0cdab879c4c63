import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PerfplaneError, PHASE_IDS, type PhaseId } from '@perfplane/core';
import { fenceAtMost, isConditionFailure } from './conditions.js';
import { stripKeys, type TableContext } from './context.js';
import {
  assertEnvironment,
  assertPhaseId,
  assertTimestamp,
  ENV_PARTITION,
  phaseStateKey,
} from './keys.js';
import { assertFence } from './runs.js';
import { PHASE_STATUSES, type PhaseState, type PhaseStatePatch } from './types.js';
import { buildUpdate, withCondition } from './update.js';

const PHASE_ACTIONS = ['deploy', 'validate', 'rollback'];

/** Returns the state of a phase that was never written. */
export function notStarted(environment: string, phaseId: PhaseId): PhaseState {
  return {
    environment,
    phaseId,
    status: 'not-started',
    percent: 0,
    attempt: 0,
    outputs: {},
    fence: 0,
  };
}

export async function getPhaseStates(
  context: TableContext,
  environment: string,
): Promise<PhaseState[]> {
  assertEnvironment(environment);
  // Eight phase items at most, far below one 1 MB page.
  const output = await context.doc.send(
    new QueryCommand({
      TableName: context.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': ENV_PARTITION(environment), ':prefix': 'PHASE#' },
      ConsistentRead: true,
    }),
  );
  const stored = new Map(
    (output.Items ?? []).map((item) => {
      const state = fromItem(environment, item);
      return [state.phaseId, state];
    }),
  );
  return PHASE_IDS.map((phaseId) => stored.get(phaseId) ?? notStarted(environment, phaseId));
}

export async function getPhaseState(
  context: TableContext,
  environment: string,
  phaseId: PhaseId,
): Promise<PhaseState> {
  assertEnvironment(environment);
  assertPhaseId(phaseId);
  const output = await context.doc.send(
    new GetCommand({
      TableName: context.tableName,
      Key: phaseStateKey(environment, phaseId),
      ConsistentRead: true,
    }),
  );
  return output.Item ? fromItem(environment, output.Item) : notStarted(environment, phaseId);
}

/**
 * Writes `patch` to the phase state, creating it on first write, and stores
 * `fence`. Rejected with StaleFence when a later lock holder already wrote it.
 */
export async function updatePhaseState(
  context: TableContext,
  environment: string,
  phaseId: PhaseId,
  patch: PhaseStatePatch,
  fence: number,
): Promise<PhaseState> {
  assertEnvironment(environment);
  assertPhaseId(phaseId);
  assertFence(fence);
  validatePatch(patch);

  const incrementAttempt = patch.attempt === 'increment';
  // Fields are picked one by one, so no caller can overwrite a key attribute.
  const update = buildUpdate(
    {
      status: patch.status,
      action: patch.action,
      percent: patch.percent,
      step: patch.step,
      startedAt: patch.startedAt,
      endedAt: patch.endedAt,
      attempt: incrementAttempt ? undefined : patch.attempt,
      runId: patch.runId,
      buildId: patch.buildId,
      logLocation: patch.logLocation,
      outputs: patch.outputs,
      reason: patch.reason,
      error: patch.error,
      unmet: patch.unmet,
      environment,
      phaseId,
      fence,
      updatedAt: new Date().toISOString(),
    },
    incrementAttempt ? ['#u_attempt = if_not_exists(#u_attempt, :zero) + :one'] : [],
    incrementAttempt ? { ':zero': 0, ':one': 1 } : {},
  );
  if (incrementAttempt) {
    update.ExpressionAttributeNames['#u_attempt'] = 'attempt';
  }
  // A later lock holder has written this phase: this writer is stale.
  const condition = fenceAtMost(fence);

  try {
    const output = await context.doc.send(
      new UpdateCommand({
        TableName: context.tableName,
        Key: phaseStateKey(environment, phaseId),
        ...withCondition(update, condition),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return fromItem(environment, output.Attributes ?? {});
  } catch (error) {
    if (!isConditionFailure(error)) {
      throw error;
    }
    const stored = await getPhaseState(context, environment, phaseId);
    throw new PerfplaneError(
      'StaleFence',
      `phase ${phaseId} of ${environment} was written with fence ${stored.fence}, newer than fence ${fence}: this writer lost the environment lock and must stop`,
      { cause: error, details: { environment, phaseId, storedFence: stored.fence, fence } },
    );
  }
}

function fromItem(environment: string, item: Record<string, unknown>): PhaseState {
  const state = stripKeys<Partial<PhaseState>>(item);
  const phaseId = state.phaseId ?? (String(item.sk).slice('PHASE#'.length) as PhaseId);
  return { ...notStarted(environment, phaseId), ...state };
}

function validatePatch(patch: PhaseStatePatch): void {
  const invalid = (field: string, value: unknown, expected: string) =>
    new PerfplaneError(
      'InvalidArgument',
      `invalid phase state ${field} ${JSON.stringify(value)}: expected ${expected}`,
    );

  if (patch.status !== undefined && !(PHASE_STATUSES as readonly string[]).includes(patch.status)) {
    throw invalid('status', patch.status, `one of ${PHASE_STATUSES.join(', ')}`);
  }
  if (typeof patch.action === 'string' && !PHASE_ACTIONS.includes(patch.action)) {
    throw invalid('action', patch.action, PHASE_ACTIONS.join(', '));
  }
  if (
    patch.percent !== undefined &&
    !(Number.isFinite(patch.percent) && patch.percent >= 0 && patch.percent <= 100)
  ) {
    throw invalid('percent', patch.percent, 'a number from 0 to 100');
  }
  if (
    typeof patch.attempt === 'number' &&
    !(Number.isInteger(patch.attempt) && patch.attempt >= 0)
  ) {
    throw invalid('attempt', patch.attempt, "a whole number of 0 or more, or 'increment'");
  }
  for (const field of ['startedAt', 'endedAt'] as const) {
    const value = patch[field];
    if (typeof value === 'string') {
      assertTimestamp(value, field);
    }
  }
  if (patch.outputs !== undefined) {
    for (const [key, value] of Object.entries(patch.outputs)) {
      if (typeof value !== 'string') {
        throw invalid(`output ${key}`, value, 'a string');
      }
    }
  }
  if (patch.unmet && !patch.unmet.every((entry) => typeof entry === 'string')) {
    throw invalid('unmet', patch.unmet, 'a list of strings');
  }
  if (
    patch.error &&
    !(typeof patch.error.code === 'string' && typeof patch.error.message === 'string')
  ) {
    throw invalid('error', patch.error, '{ code, message } strings');
  }
}

import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { PerfplaneError, type PhaseId } from '@perfplane/core';
import { isConditionFailure, itemAbsent } from './conditions.js';
import { assertLimit, type TableContext } from './context.js';
import {
  assertEnvironment,
  assertPhaseId,
  assertTimestamp,
  durationKey,
  ENV_PARTITION,
} from './keys.js';
import type { DurationRecord } from './types.js';

/**
 * Records how long a completed deploy took. Recording the same phase and end
 * time again with the same seconds does nothing, so a retried step is safe.
 */
export async function recordDuration(
  context: TableContext,
  environment: string,
  phaseId: PhaseId,
  seconds: number,
  endedAt: string,
): Promise<DurationRecord> {
  assertEnvironment(environment);
  assertPhaseId(phaseId);
  assertTimestamp(endedAt, 'endedAt');
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new PerfplaneError(
      'InvalidArgument',
      `invalid duration ${seconds} s for phase ${phaseId}: expected a finite number of seconds, 0 or more`,
    );
  }

  const record: DurationRecord = { environment, phaseId, seconds, endedAt };
  const key = durationKey(environment, phaseId, endedAt);
  // Write-once: a recorded duration is history and is not replaced.
  const condition = itemAbsent();
  try {
    await context.doc.send(
      new PutCommand({
        TableName: context.tableName,
        Item: { ...key, ...record },
        ConditionExpression: condition.expression,
      }),
    );
    return record;
  } catch (error) {
    if (!isConditionFailure(error)) {
      throw error;
    }
    const existing = await context.doc.send(
      new GetCommand({ TableName: context.tableName, Key: key, ConsistentRead: true }),
    );
    if (existing.Item?.seconds === seconds) {
      return record;
    }
    throw new PerfplaneError(
      'Conflict',
      `a duration of ${existing.Item?.seconds} s is already recorded for phase ${phaseId} of ${environment} ending at ${endedAt}; ${seconds} s was not stored`,
      {
        cause: error,
        details: { environment, phaseId, endedAt, stored: existing.Item?.seconds, seconds },
      },
    );
  }
}

/** Recorded durations of a phase, newest first. */
export async function listDurations(
  context: TableContext,
  environment: string,
  phaseId: PhaseId,
  limit = 10,
): Promise<DurationRecord[]> {
  assertEnvironment(environment);
  assertPhaseId(phaseId);
  assertLimit(limit, 1000);
  // Duration items are about 150 bytes, so `limit` of them fits in one page.
  const output = await context.doc.send(
    new QueryCommand({
      TableName: context.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': ENV_PARTITION(environment),
        ':prefix': `DURATION#${phaseId}#`,
      },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (output.Items ?? []).map(({ environment, phaseId, seconds, endedAt }) => ({
    environment,
    phaseId,
    seconds,
    endedAt,
  }));
}

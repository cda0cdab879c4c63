import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { PerfplaneError } from '@perfplane/core';
import { isConditionFailure, itemAbsent } from './conditions.js';
import { MAX_PAGES, type TableContext } from './context.js';
import { assertPhaseId, assertRunId, assertTimestamp, eventKey, RUN_PARTITION } from './keys.js';
import { type AppendEventInput, EVENT_TYPES, type RunEvent } from './types.js';

/** Attempts to find a free sort key when two writers pick the same one. */
const MAX_APPEND_ATTEMPTS = 3;

// The counter orders events of one process that share a millisecond, and the
// random suffix keeps writers in different processes apart.
let counter = 0;

function nextSequence(): string {
  counter = (counter + 1) % 1_000_000;
  return `${String(counter).padStart(6, '0')}${randomBytes(2).toString('hex')}`;
}

/**
 * Appends an event to the run's log. Events are never overwritten: each put
 * requires its key to be new, and a clash is retried under a fresh key.
 */
export async function appendEvent(
  context: TableContext,
  runId: string,
  input: AppendEventInput,
): Promise<RunEvent> {
  assertRunId(runId);
  validateEvent(input);
  const at = input.at ?? new Date().toISOString();
  assertTimestamp(at, 'event time');
  // Write-once: never replace an event already in the log.
  const condition = itemAbsent();

  for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
    const key = eventKey(runId, at, nextSequence());
    const event: RunEvent = { runId, ...input, at, id: key.sk };
    try {
      await context.doc.send(
        new PutCommand({
          TableName: context.tableName,
          Item: { ...key, ...event },
          ConditionExpression: condition.expression,
        }),
      );
      return event;
    } catch (error) {
      if (!isConditionFailure(error)) {
        throw error;
      }
    }
  }
  throw new PerfplaneError(
    'Conflict',
    `event ${input.type} of run ${runId} at ${at} collided with existing events ${MAX_APPEND_ATTEMPTS} times: retry`,
    { details: { runId, type: input.type, at } },
  );
}

/** Events of a run, oldest first. */
export async function listEvents(context: TableContext, runId: string): Promise<RunEvent[]> {
  assertRunId(runId);
  const events: RunEvent[] = [];
  let startKey: Record<string, unknown> | undefined;

  for (let page = 0; page < MAX_PAGES; page++) {
    const output = await context.doc.send(
      new QueryCommand({
        TableName: context.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': RUN_PARTITION(runId), ':prefix': 'EVENT#' },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of output.Items ?? []) {
      const { pk: _pk, sk: _sk, ...event } = item;
      events.push(event as RunEvent);
    }
    startKey = output.LastEvaluatedKey;
    if (!startKey) {
      return events;
    }
  }
  // NOTE: reading stops after MAX_PAGES pages of 1 MB, so a run with more events is cut short.
  return events;
}

function validateEvent(input: AppendEventInput): void {
  if (!(EVENT_TYPES as readonly string[]).includes(input.type)) {
    throw new PerfplaneError(
      'InvalidArgument',
      `unknown event type "${input.type}": expected one of ${EVENT_TYPES.join(', ')}`,
    );
  }
  if (typeof input.message !== 'string' || input.message.length === 0) {
    throw new PerfplaneError(
      'InvalidArgument',
      `event ${input.type} has an empty message: describe what happened`,
    );
  }
  if (input.phase !== undefined) {
    assertPhaseId(input.phase);
  }
}

import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PerfplaneError } from '@perfplane/core';
import {
  allOf,
  type Condition,
  fenceEquals,
  isConditionFailure,
  itemAbsent,
  leaseExpiredAt,
  lockFree,
  ownedBy,
} from './conditions.js';
import { stripKeys, type TableContext } from './context.js';
import { assertEnvironment, assertRunId, ENV_PARTITION, lockKey } from './keys.js';
import { assertFence, getRun } from './runs.js';
import { TTL_ATTRIBUTE } from './table.js';
import {
  type AcquireLockInput,
  FINAL_RUN_STATUSES,
  type LockGrant,
  type LockState,
  type RenewLockInput,
} from './types.js';
import { buildUpdate, withCondition } from './update.js';

/**
 * Attempts of one acquire. Each lost race re-reads the lock, and the re-read
 * normally shows a live holder and ends in LockHeld, so more attempts than
 * this mean the lock is changing hands unusually often.
 */
const MAX_ACQUIRE_ATTEMPTS = 5;

/** Condition and new fence of one acquire attempt, chosen from the lock as read. */
interface AcquirePlan {
  condition: Condition;
  nextFence: number;
  reclaimed?: LockGrant['reclaimed'];
}

export async function getLock(
  context: TableContext,
  environment: string,
): Promise<LockState | undefined> {
  assertEnvironment(environment);
  const output = await context.doc.send(
    new GetCommand({
      TableName: context.tableName,
      Key: lockKey(environment),
      ConsistentRead: true,
    }),
  );
  if (!output.Item) {
    return undefined;
  }
  const { [TTL_ATTRIBUTE]: _epoch, ...item } = stripKeys<Record<string, unknown>>(output.Item);
  return item as unknown as LockState;
}

/**
 * Takes the environment lock for `owner` with a new, higher fence. The lock
 * is taken when it is free, when its lease expired, when the caller already
 * holds it, or when the holder run has ended. Otherwise it raises LockHeld
 * naming the holder and since when it holds the lock.
 */
export async function acquireLock(
  context: TableContext,
  input: AcquireLockInput,
): Promise<LockGrant> {
  assertEnvironment(input.environment);
  assertRunId(input.owner);
  assertLeaseMs(input.leaseMs);

  for (let attempt = 1; attempt <= MAX_ACQUIRE_ATTEMPTS; attempt++) {
    const now = input.now ?? new Date();
    const current = await getLock(context, input.environment);
    const plan = await planAcquire(context, input, current, now);
    const grant = await tryTake(context, input, plan, now);
    if (grant) {
      return grant;
    }
  }
  throw new PerfplaneError(
    'Conflict',
    `lock of environment ${input.environment} changed hands ${MAX_ACQUIRE_ATTEMPTS} times while run ${input.owner} tried to acquire it: retry later`,
    { details: { environment: input.environment, owner: input.owner } },
  );
}

async function planAcquire(
  context: TableContext,
  input: AcquireLockInput,
  current: LockState | undefined,
  now: Date,
): Promise<AcquirePlan> {
  if (!current) {
    // First lock of the environment. The fence starts above any fence already
    // stored on its phase states, in case a TTL sweep on AWS removed an
    // abandoned lock item.
    const highest = await highestPhaseFence(context, input.environment);
    return { condition: itemAbsent(), nextFence: highest + 1 };
  }
  const nextFence = current.fence + 1;
  // No acquire happened since our read. Every plan below includes this part.
  const unchanged = fenceEquals(current.fence);

  if (current.owner === undefined) {
    // Released: take it if it is still free.
    return { condition: allOf(unchanged, lockFree()), nextFence };
  }
  if (current.owner === input.owner) {
    // A retried acquire of the same run: hand out a new fence.
    return { condition: allOf(unchanged, ownedBy(current.owner)), nextFence };
  }
  const holder = ownedBy(current.owner);
  if (current.expiresAt !== undefined && current.expiresAt < now.toISOString()) {
    // The lease ran out, and the condition re-checks that no renewal extended it.
    return {
      condition: allOf(unchanged, holder, leaseExpiredAt(now.toISOString())),
      nextFence,
      reclaimed: { owner: current.owner, reason: 'expired' },
    };
  }
  if (await ownerEnded(context, current.owner, input.ownerEnded)) {
    // The holder run ended without releasing, and its fence has not moved since.
    return {
      condition: allOf(unchanged, holder),
      nextFence,
      reclaimed: { owner: current.owner, reason: 'owner-ended' },
    };
  }
  throw lockHeld(input.environment, current);
}

async function tryTake(
  context: TableContext,
  input: AcquireLockInput,
  plan: AcquirePlan,
  now: Date,
): Promise<LockGrant | undefined> {
  const acquiredAt = now.toISOString();
  const expires = new Date(now.getTime() + input.leaseMs);
  const update = buildUpdate({
    environment: input.environment,
    owner: input.owner,
    fence: plan.nextFence,
    acquiredAt,
    expiresAt: expires.toISOString(),
    [TTL_ATTRIBUTE]: Math.ceil(expires.getTime() / 1000),
    releasedAt: null,
  });

  try {
    await context.doc.send(
      new UpdateCommand({
        TableName: context.tableName,
        Key: lockKey(input.environment),
        ...withCondition(update, plan.condition),
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) {
      return undefined;
    }
    throw error;
  }
  return {
    environment: input.environment,
    owner: input.owner,
    fence: plan.nextFence,
    acquiredAt,
    expiresAt: expires.toISOString(),
    ...(plan.reclaimed ? { reclaimed: plan.reclaimed } : {}),
  };
}

/**
 * Extends the lease of the holder. It works as long as no other run took the
 * lock over, even shortly after the lease expired.
 */
export async function renewLock(context: TableContext, input: RenewLockInput): Promise<LockGrant> {
  assertEnvironment(input.environment);
  assertRunId(input.owner);
  assertFence(input.fence);
  assertLeaseMs(input.leaseMs);
  const now = input.now ?? new Date();
  const expires = new Date(now.getTime() + input.leaseMs);
  const update = buildUpdate({
    expiresAt: expires.toISOString(),
    [TTL_ATTRIBUTE]: Math.ceil(expires.getTime() / 1000),
  });
  // Still ours: same owner, and no acquire has raised the fence.
  const condition = allOf(ownedBy(input.owner), fenceEquals(input.fence));

  try {
    const output = await context.doc.send(
      new UpdateCommand({
        TableName: context.tableName,
        Key: lockKey(input.environment),
        ...withCondition(update, condition),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return {
      environment: input.environment,
      owner: input.owner,
      fence: input.fence,
      acquiredAt: String(output.Attributes?.acquiredAt),
      expiresAt: expires.toISOString(),
    };
  } catch (error) {
    if (isConditionFailure(error)) {
      throw await lostLock(context, input.environment, input.owner, input.fence, 'renew', error);
    }
    throw error;
  }
}

/**
 * Frees the lock and keeps the item, so the next acquire continues the fence.
 * Releasing a lock this owner already released with this fence does nothing.
 */
export async function releaseLock(
  context: TableContext,
  environment: string,
  owner: string,
  fence: number,
): Promise<void> {
  assertEnvironment(environment);
  assertRunId(owner);
  assertFence(fence);
  const update = buildUpdate({
    releasedAt: new Date().toISOString(),
    owner: null,
    acquiredAt: null,
    expiresAt: null,
    // Without the TTL attribute a released lock is never swept on AWS.
    [TTL_ATTRIBUTE]: null,
  });
  // Still ours: same owner, and no acquire has raised the fence.
  const condition = allOf(ownedBy(owner), fenceEquals(fence));

  try {
    await context.doc.send(
      new UpdateCommand({
        TableName: context.tableName,
        Key: lockKey(environment),
        ...withCondition(update, condition),
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) {
      throw error;
    }
    const current = await getLock(context, environment);
    if (current && current.owner === undefined && current.fence === fence) {
      return;
    }
    throw await lostLock(context, environment, owner, fence, 'release', error, current);
  }
}

async function ownerEnded(
  context: TableContext,
  owner: string,
  callback: AcquireLockInput['ownerEnded'],
): Promise<boolean> {
  const run = await getRun(context, owner);
  if (run && FINAL_RUN_STATUSES.includes(run.status)) {
    return true;
  }
  return callback ? await callback(owner) : false;
}

async function highestPhaseFence(context: TableContext, environment: string): Promise<number> {
  const output = await context.doc.send(
    new QueryCommand({
      TableName: context.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': ENV_PARTITION(environment), ':prefix': 'PHASE#' },
      ProjectionExpression: 'fence',
      ConsistentRead: true,
    }),
  );
  return Math.max(0, ...(output.Items ?? []).map((item) => Number(item.fence ?? 0)));
}

function lockHeld(environment: string, lock: LockState): PerfplaneError {
  return new PerfplaneError(
    'LockHeld',
    `environment ${environment} is locked by run ${lock.owner} since ${lock.acquiredAt} (lease until ${lock.expiresAt}): wait for that run to end, or stop it first`,
    {
      details: {
        environment,
        owner: lock.owner,
        acquiredAt: lock.acquiredAt,
        expiresAt: lock.expiresAt,
        fence: lock.fence,
      },
    },
  );
}

async function lostLock(
  context: TableContext,
  environment: string,
  owner: string,
  fence: number,
  action: 'renew' | 'release',
  cause: unknown,
  known?: LockState,
): Promise<PerfplaneError> {
  const current = known ?? (await getLock(context, environment));
  const holder = current?.owner
    ? `run ${current.owner} holds it with fence ${current.fence}`
    : `it is free at fence ${current?.fence ?? 0}`;
  return new PerfplaneError(
    'StaleFence',
    `cannot ${action} the lock of environment ${environment} for run ${owner} with fence ${fence}: ${holder}; this run no longer holds the lock and must stop writing`,
    { cause, details: { environment, owner, fence, current } },
  );
}

function assertLeaseMs(leaseMs: number): void {
  if (!Number.isInteger(leaseMs) || leaseMs < 1 || leaseMs > 7 * 24 * 3600 * 1000) {
    throw new PerfplaneError(
      'InvalidArgument',
      `invalid lease ${leaseMs} ms: expected a whole number of milliseconds from 1 to 7 days`,
    );
  }
}

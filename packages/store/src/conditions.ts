/**
 * Condition expressions of the state table, built from named parts. Each part
 * uses its own placeholder names, so parts combine without clashes.
 */
export interface Condition {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

const part = (
  expression: string,
  names: Record<string, string> = {},
  values: Record<string, unknown> = {},
): Condition => ({ expression, names, values });

/** Joins parts with AND. */
export function allOf(...parts: Condition[]): Condition {
  return combine(parts, ' AND ');
}

/** Joins parts with OR. */
export function anyOf(...parts: Condition[]): Condition {
  return combine(parts, ' OR ');
}

function combine(parts: Condition[], operator: string): Condition {
  return {
    expression: parts.map((p) => `(${p.expression})`).join(operator),
    names: Object.assign({}, ...parts.map((p) => p.names)),
    values: Object.assign({}, ...parts.map((p) => p.values)),
  };
}

/** No item with this key exists yet: create-only writes and append-only events. */
export const itemAbsent = (): Condition => part('attribute_not_exists(pk)');

/** The item exists, so an update never creates a half-filled record. */
export const itemPresent = (): Condition => part('attribute_exists(pk)');

/**
 * The stored fence is absent or not higher than the writer's. A higher one
 * means a later lock holder has written, so this writer is stale.
 */
export const fenceAtMost = (fence: number): Condition =>
  part(
    'attribute_not_exists(#fence) OR #fence <= :fenceAtMost',
    { '#fence': 'fence' },
    {
      ':fenceAtMost': fence,
    },
  );

/** The stored fence is still the one the caller read or was granted, so no acquire happened since. */
export const fenceEquals = (fence: number): Condition =>
  part('#fence = :fenceEquals', { '#fence': 'fence' }, { ':fenceEquals': fence });

/** The lock has no owner: it was released. */
export const lockFree = (): Condition =>
  part('attribute_not_exists(#owner)', { '#owner': 'owner' });

/** The lock is owned by this run. */
export const ownedBy = (owner: string): Condition =>
  part('#owner = :ownedBy', { '#owner': 'owner' }, { ':ownedBy': owner });

/**
 * The lease ended before `now`. ISO 8601 UTC strings of one format sort like
 * the times they name, so a string comparison is a time comparison.
 */
export const leaseExpiredAt = (now: string): Condition =>
  part('#expiresAt < :leaseNow', { '#expiresAt': 'expiresAt' }, { ':leaseNow': now });

/** Requires the stored status to be one of `statuses`, the allowed sources of a transition. */
export function statusIn(statuses: readonly string[]): Condition {
  const values: Record<string, unknown> = {};
  const placeholders = statuses.map((status, index) => {
    values[`:status${index}`] = status;
    return `:status${index}`;
  });
  return part(`#status IN (${placeholders.join(', ')})`, { '#status': 'status' }, values);
}

/** Error names of a failed condition, from the client or the document client. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

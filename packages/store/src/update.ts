import type { Condition } from './conditions.js';

/** An UpdateItem expression with its placeholders. */
export interface UpdateParts {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

/**
 * Builds `SET a = :a, ... REMOVE b, ...` from field values: `null` removes the
 * attribute, `undefined` leaves it alone. `extraSet` adds raw SET clauses,
 * such as an increment, whose placeholders the caller supplies in `extraValues`.
 */
export function buildUpdate(
  fields: Record<string, unknown>,
  extraSet: string[] = [],
  extraValues: Record<string, unknown> = {},
): UpdateParts {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ...extraValues };
  const setClauses = [...extraSet];
  const removeClauses: string[] = [];

  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) {
      continue;
    }
    names[`#u_${field}`] = field;
    if (value === null) {
      removeClauses.push(`#u_${field}`);
    } else {
      values[`:u_${field}`] = value;
      setClauses.push(`#u_${field} = :u_${field}`);
    }
  }

  const clauses = [];
  if (setClauses.length > 0) {
    clauses.push(`SET ${setClauses.join(', ')}`);
  }
  if (removeClauses.length > 0) {
    clauses.push(`REMOVE ${removeClauses.join(', ')}`);
  }
  return {
    UpdateExpression: clauses.join(' '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** Merges an update and a condition into the parameters of one UpdateItem call. */
export function withCondition(update: UpdateParts, condition: Condition) {
  return {
    UpdateExpression: update.UpdateExpression,
    ConditionExpression: condition.expression,
    ExpressionAttributeNames: { ...update.ExpressionAttributeNames, ...condition.names },
    ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...condition.values },
  };
}

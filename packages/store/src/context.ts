import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PerfplaneError } from '@perfplane/core';

/** Document client and table name, shared by each group of store operations. */
export interface TableContext {
  doc: DynamoDBDocumentClient;
  tableName: string;
}

/** Upper bound on pages read by one list call, so a runaway query cannot loop forever. */
export const MAX_PAGES = 100;

/** Removes the key attributes from an item, leaving the record's own fields. */
export function stripKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...rest } = item;
  return rest as T;
}

export function assertLimit(limit: number, max: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new PerfplaneError(
      'InvalidArgument',
      `invalid limit ${limit}: expected a whole number from 1 to ${max}`,
    );
  }
}

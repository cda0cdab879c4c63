import { TTL_ATTRIBUTE, tableDefinition } from '@perfplane/store';

type FieldType = 'string' | 'number' | 'binary';
const FIELD_TYPES: Record<string, FieldType> = { S: 'string', N: 'number', B: 'binary' };

function keyNames(schema: { AttributeName?: string; KeyType?: string }[] | undefined) {
  const hashKey = schema?.find((key) => key.KeyType === 'HASH')?.AttributeName;
  const rangeKey = schema?.find((key) => key.KeyType === 'RANGE')?.AttributeName;
  if (!hashKey) {
    throw new Error('table definition has a key schema without a HASH key');
  }
  return rangeKey ? { hashKey, rangeKey } : { hashKey };
}

/**
 * Settings of the control-plane table in the shape of SST's Dynamo
 * component, derived from the store's `tableDefinition` so the deployed keys
 * and index cannot drift from what the store queries. Point-in-time recovery
 * is on and TTL reads `expiresAtEpoch`; the store still checks lock expiry
 * itself, because TTL deletes late and dynalite has none.
 */
export function tableSettings() {
  const definition = tableDefinition('unused');
  const fields: Record<string, FieldType> = {};
  for (const attribute of definition.AttributeDefinitions ?? []) {
    fields[attribute.AttributeName ?? ''] = FIELD_TYPES[attribute.AttributeType ?? 'S'] ?? 'string';
  }
  const globalIndexes: Record<string, { hashKey: string; rangeKey?: string; projection: 'all' }> =
    {};
  for (const index of definition.GlobalSecondaryIndexes ?? []) {
    globalIndexes[index.IndexName ?? ''] = { ...keyNames(index.KeySchema), projection: 'all' };
  }
  return {
    fields,
    primaryIndex: keyNames(definition.KeySchema),
    globalIndexes,
    ttl: TTL_ATTRIBUTE,
    billingMode: definition.BillingMode ?? 'PAY_PER_REQUEST',
    pointInTimeRecovery: true,
    deletionProtection: true,
  };
}

export { TTL_ATTRIBUTE };

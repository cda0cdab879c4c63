/** Attribute DynamoDB's TTL reads: seconds since the epoch after which an item may be deleted. */
export const TTL_ATTRIBUTE = 'expiresAtEpoch';

/**
 * Settings of the control-plane table: keys `pk`/`sk` and index `gsi1` on
 * `gsi1pk`/`gsi1sk`, as the store expects. TTL only tidies old events; the
 * store still checks expiry itself because dynalite has no TTL.
 */
export function tableSettings() {
  return {
    fields: { pk: 'string', sk: 'string', gsi1pk: 'string', gsi1sk: 'string' },
    primaryIndex: { hashKey: 'pk', rangeKey: 'sk' },
    globalIndexes: { gsi1: { hashKey: 'gsi1pk', rangeKey: 'gsi1sk', projection: 'all' } },
    ttl: TTL_ATTRIBUTE,
    billingMode: 'PAY_PER_REQUEST',
    pointInTimeRecovery: true,
    deletionProtection: true,
  } as const;
}

/** The same table as a CreateTable input, for integration tests and comparisons. */
export function createTableInput(tableName: string) {
  const settings = tableSettings();
  return {
    TableName: tableName,
    BillingMode: settings.billingMode,
    AttributeDefinitions: Object.keys(settings.fields).map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' as const },
      { AttributeName: 'sk', KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'gsi1',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' as const },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      },
    ],
  };
}

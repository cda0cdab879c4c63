/** Key prefixes of the artifact bucket, one per kind of object. */
export const BUCKET_PREFIXES = {
  bundles: 'support-bundles/',
  outputs: 'outputs/',
  rawResults: 'results/raw/',
  reports: 'reports/',
} as const;

export interface BucketOptions {
  /** Days a support bundle is kept; bundles carry logs, so they should not live long. */
  bundleDays?: number;
  /** Days before raw k6 results move to infrequent access, and before they are deleted. */
  rawResultsInfrequentAccessDays?: number;
  rawResultsExpireDays?: number;
  /** Days an overwritten or deleted object version is kept. */
  noncurrentVersionDays?: number;
}

export interface LifecycleRule {
  id: string;
  prefix: string;
  transitions: { days: number; storageClass: 'STANDARD_IA' | 'GLACIER_IR' }[];
  expirationDays?: number;
  noncurrentVersionExpirationDays?: number;
  abortIncompleteMultipartUploadDays: number;
}

/**
 * Settings of the artifact bucket: server-side encryption, versioning, no
 * public access, and lifecycle rules so bundles and raw results do not pile up.
 * Reports and phase outputs are kept.
 */
export function bucketSettings(options: BucketOptions = {}) {
  const bundleDays = options.bundleDays ?? 30;
  const iaDays = options.rawResultsInfrequentAccessDays ?? 30;
  const expireDays = options.rawResultsExpireDays ?? 180;
  const noncurrentDays = options.noncurrentVersionDays ?? 30;
  if (expireDays <= iaDays) {
    throw new Error(
      `rawResultsExpireDays (${expireDays}) must be greater than rawResultsInfrequentAccessDays (${iaDays})`,
    );
  }
  const lifecycle: LifecycleRule[] = [
    {
      id: 'expire-support-bundles',
      prefix: BUCKET_PREFIXES.bundles,
      transitions: [],
      expirationDays: bundleDays,
      noncurrentVersionExpirationDays: 1,
      abortIncompleteMultipartUploadDays: 1,
    },
    {
      id: 'age-raw-results',
      prefix: BUCKET_PREFIXES.rawResults,
      transitions: [{ days: iaDays, storageClass: 'STANDARD_IA' }],
      expirationDays: expireDays,
      noncurrentVersionExpirationDays: noncurrentDays,
      abortIncompleteMultipartUploadDays: 1,
    },
    {
      id: 'expire-old-versions',
      prefix: '',
      transitions: [],
      noncurrentVersionExpirationDays: noncurrentDays,
      abortIncompleteMultipartUploadDays: 7,
    },
  ];
  return {
    versioning: true,
    encryption: { sseAlgorithm: 'AES256' as const, bucketKeyEnabled: true },
    publicAccessBlock: {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    enforceTls: true,
    lifecycle,
  };
}

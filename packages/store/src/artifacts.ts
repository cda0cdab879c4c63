import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { PerfplaneError } from '@perfplane/core';
import { assertArtifactKey, assertArtifactPrefix } from './artifact-key.js';

/** Smallest part S3 accepts in a multipart upload, except the last one. */
const MIN_PART_BYTES = 5 * 1024 * 1024;
/** Upper bound on pages of one listing: 1000 keys each. */
const MAX_LIST_PAGES = 1000;

export type ArtifactBody = string | Uint8Array | Readable;

export interface PutObjectOptions {
  contentType?: string;
  /** Part size of the multipart upload, in bytes: 5 MiB (the default) or more. */
  partSizeBytes?: number;
}

export interface ArtifactSummary {
  key: string;
  size: number;
  lastModified?: string;
}

export interface ArtifactsOptions {
  client: S3Client;
  bucket: string;
}

/**
 * Support bundles, phase outputs, k6 results and reports in one S3 bucket.
 * Keys are relative paths, checked by `assertArtifactKey`.
 */
export class Artifacts {
  private readonly client: S3Client;
  readonly bucket: string;

  constructor(options: ArtifactsOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
  }

  /** Creates the bucket unless it exists. Only local stand-ins need it, because SST creates the bucket on AWS. */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if (!isNotFound(error)) {
        throw error;
      }
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    }
  }

  /**
   * Stores a body under `key`. A body larger than one part goes up as a
   * multipart upload, and a stream is read part by part, so memory stays at a
   * few parts whatever the size.
   */
  async putObject(
    key: string,
    body: ArtifactBody,
    options: PutObjectOptions = {},
  ): Promise<{ key: string }> {
    assertArtifactKey(key);
    const partSize = options.partSizeBytes ?? MIN_PART_BYTES;
    if (!Number.isInteger(partSize) || partSize < MIN_PART_BYTES) {
      throw new PerfplaneError(
        'InvalidArgument',
        `invalid part size ${partSize} bytes: S3 needs at least ${MIN_PART_BYTES} bytes a part`,
      );
    }
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: options.contentType,
      },
      partSize,
      queueSize: 2,
      leavePartsOnError: false,
    });
    await upload.done();
    return { key };
  }

  /** Opens the object as a stream, or raises NotFound for a missing key. */
  async getObjectStream(key: string): Promise<Readable> {
    assertArtifactKey(key);
    try {
      const output = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      if (!(output.Body instanceof Readable)) {
        throw new PerfplaneError(
          'Internal',
          `object ${key} came back without a Node.js stream body: use the S3 client from @aws-sdk/client-s3 in Node.js`,
        );
      }
      return output.Body;
    } catch (error) {
      if (isNotFound(error)) {
        throw new PerfplaneError('NotFound', `artifact ${key} not found in bucket ${this.bucket}`, {
          cause: error,
          details: { key, bucket: this.bucket },
        });
      }
      throw error;
    }
  }

  /** Reads the whole object as UTF-8 text. */
  async getObjectText(key: string): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.getObjectStream(key)) {
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Objects whose keys start with `prefix`, in key order. */
  async list(prefix: string): Promise<ArtifactSummary[]> {
    assertArtifactPrefix(prefix);
    const summaries: ArtifactSummary[] = [];
    let token: string | undefined;

    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const output = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ContinuationToken: token,
        }),
      );
      for (const object of output.Contents ?? []) {
        summaries.push({
          key: object.Key ?? '',
          size: object.Size ?? 0,
          lastModified: object.LastModified?.toISOString(),
        });
      }
      token = output.IsTruncated ? output.NextContinuationToken : undefined;
      if (!token) {
        break;
      }
    }
    return summaries;
  }

  /** Signs a GET URL that downloads the object without credentials until it expires. */
  async presignGet(key: string, expiresInSeconds = 900): Promise<string> {
    assertArtifactKey(key);
    // S3 caps presigned URLs signed with SigV4 at 7 days.
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > 604_800) {
      throw new PerfplaneError(
        'InvalidArgument',
        `invalid expiry ${expiresInSeconds} s: expected a whole number of seconds from 1 to 604800 (7 days)`,
      );
    }
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInSeconds,
    });
  }
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) {
    return false;
  }
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    error.name === 'NoSuchKey' ||
    error.name === 'NotFound' ||
    error.name === 'NoSuchBucket' ||
    status === 404
  );
}

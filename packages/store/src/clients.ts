import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Static credentials for local stand-ins. Leave them out on AWS, so the default provider chain applies. */
export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface ClientOptions {
  /** Service URL, such as a dynalite or s3rver address. Omit it on AWS. */
  endpoint?: string;
  /** Defaults to the SDK's region resolution (AWS_REGION). */
  region?: string;
  credentials?: StaticCredentials;
  /** SDK attempts per request, including the first. Default 3. */
  maxAttempts?: number;
}

export function createDynamoClient(options: ClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: options.endpoint,
    region: options.region,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts,
  });
}

/**
 * Wraps a DynamoDB client in the document client the store uses: plain
 * JavaScript values in and out, undefined attributes dropped.
 */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/**
 * Creates an S3 client that works against AWS and against s3rver alike.
 * Checksums are computed only where the API requires them, because s3rver 3.7
 * stores a streamed body with the SDK's checksum chunk framing inside it
 * otherwise. Path-style addressing is used whenever an endpoint is given.
 */
export function createS3Client(options: ClientOptions = {}): S3Client {
  return new S3Client({
    endpoint: options.endpoint,
    region: options.region,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts,
    forcePathStyle: options.endpoint !== undefined,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

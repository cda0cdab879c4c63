import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** How far a signature's date may be from now, as API Gateway allows: 15 minutes. */
const MAX_SKEW_MS = 15 * 60 * 1000;

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) {
    return undefined;
  }
  const [, y, mo, d, h, mi, s] = match;
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
}

/**
 * Checks a request's SigV4 signature for service execute-api the way API
 * Gateway's IAM authorization does for one known key pair: the same request is
 * signed again with the signed headers and date it names, and the two
 * signatures must match. Used only by the local adapter in tests.
 */
export async function verifySigV4(input: {
  method: string;
  target: string;
  headers: Record<string, string>;
  body: Buffer;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  now?: Date;
}): Promise<{ ok: true } | { ok: false; reason: string }> {
  const match = AUTHORIZATION.exec(input.headers.authorization ?? '');
  if (!match) {
    return { ok: false, reason: 'Missing Authentication Token' };
  }
  const [, keyId, , region, service, signedHeaders = '', signature = ''] = match;
  if (keyId !== input.accessKeyId || region !== input.region || service !== 'execute-api') {
    return { ok: false, reason: 'The security token included in the request is invalid.' };
  }
  const date = parseAmzDate(input.headers['x-amz-date'] ?? '');
  const now = input.now ?? new Date();
  if (!date || Math.abs(now.getTime() - date.getTime()) > MAX_SKEW_MS) {
    return { ok: false, reason: 'Signature expired' };
  }
  const declaredHash = input.headers['x-amz-content-sha256'];
  // The signer trusts this header as the body hash, so it must match the body received.
  if (declaredHash && declaredHash !== createHash('sha256').update(input.body).digest('hex')) {
    return {
      ok: false,
      reason: 'The request signature we calculated does not match the signature you provided.',
    };
  }
  const url = new URL(input.target, 'http://placeholder');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders.split(';')) {
    headers[name] = input.headers[name] ?? '';
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
  }
  const request = new HttpRequest({
    method: input.method,
    protocol: 'https:',
    hostname: headers.host?.split(':')[0] ?? '',
    path: url.pathname,
    query,
    headers,
    body: input.body.length > 0 ? input.body.toString('utf8') : undefined,
  });
  const signer = new SignatureV4({
    credentials: { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey },
    region: input.region,
    service: 'execute-api',
    sha256: Sha256,
  });
  const signed = await signer.sign(request, { signingDate: date });
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1] ?? '';
  const same =
    expected.length === signature.length &&
    timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
  return same
    ? { ok: true }
    : {
        ok: false,
        reason: 'The request signature we calculated does not match the signature you provided.',
      };
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack requests older (or further in the future) than this are rejected, in seconds. */
export const MAX_REQUEST_AGE_SECONDS = 5 * 60;

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'missing-headers' | 'stale-timestamp' | 'bad-signature' };

/** Computes Slack's v0 signature of a request: HMAC-SHA256 over `v0:<timestamp>:<raw body>`. */
export function signSlackRequest(secret: string, timestamp: string, rawBody: string): string {
  const digest = createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex');
  return `v0=${digest}`;
}

/**
 * Verifies a Slack request over the exact raw body. The timestamp must be
 * within five minutes of `nowSeconds`, and the comparison takes the same time
 * whichever byte differs.
 */
export function verifySlackSignature(input: {
  secret: string;
  rawBody: string;
  timestamp: string | undefined;
  signature: string | undefined;
  nowSeconds: number;
}): SignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, reason: 'missing-headers' };
  }
  if (Math.abs(input.nowSeconds - Number(timestamp)) > MAX_REQUEST_AGE_SECONDS) {
    return { ok: false, reason: 'stale-timestamp' };
  }
  const expected = Buffer.from(signSlackRequest(input.secret, timestamp, input.rawBody), 'utf8');
  const received = Buffer.from(signature, 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the secret.
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) {
    return { ok: false, reason: 'bad-signature' };
  }
  return { ok: true };
}

import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { PerfplaneError } from '@perfplane/core';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export interface SigV4FetchOptions {
  /** Region the API is in; read from an execute-api host name when not given. */
  region?: string;
  /** Defaults to the Node provider chain: environment, profile, SSO, container, instance. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** The part of fetch's RequestInit the signer supports: string bodies and plain header objects. */
export interface SigV4Init {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export type SigV4Fetch = (url: string | URL, init?: SigV4Init) => Promise<Response>;

const EXECUTE_API_HOST = /\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com$/;

/** Returns the region of an API Gateway URL, the option, or AWS_REGION, in that order. */
export function regionFor(url: URL, option?: string): string {
  const fromHost = EXECUTE_API_HOST.exec(url.hostname)?.[1];
  const region = option ?? fromHost ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new PerfplaneError(
      'InvalidArgument',
      `cannot tell the region of ${url.origin}: set AWS_REGION or pass the API's execute-api URL`,
    );
  }
  return region;
}

/**
 * Creates a fetch that signs every request with SigV4 for API Gateway's IAM
 * authorization (service execute-api). The CLI uses it for `--api <url>`.
 */
export function createSigV4Fetch(options: SigV4FetchOptions = {}): SigV4Fetch {
  const credentials = options.credentials ?? fromNodeProviderChain();
  return async (input, init = {}) => {
    const url = new URL(input);
    const signer = new SignatureV4({
      credentials,
      region: regionFor(url, options.region),
      service: 'execute-api',
      sha256: Sha256,
    });
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) {
      query[name] = value;
    }
    const headers: Record<string, string> = { host: url.host };
    for (const [name, value] of Object.entries(init.headers ?? {})) {
      headers[name.toLowerCase()] = value;
    }
    if (init.body !== undefined && !headers['content-type']) {
      headers['content-type'] = 'application/json';
    }
    const request = new HttpRequest({
      method: (init.method ?? 'GET').toUpperCase(),
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      headers,
      body: init.body,
    });
    const signed = await signer.sign(request);
    const { host: _host, ...sendHeaders } = signed.headers;
    return fetch(url, {
      method: signed.method,
      headers: sendHeaders,
      ...(init.body !== undefined ? { body: init.body } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    });
  };
}

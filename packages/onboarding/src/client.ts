import { PerfplaneError } from '@perfplane/core';

/** Result of one admin API call: HTTP status and parsed JSON body (undefined when empty). */
export interface ApiResponse {
  status: number;
  body: unknown;
}

/** Per-request time limit, in milliseconds. */
const REQUEST_TIMEOUT_MS = 30_000;

/** A small JSON client for the hub admin, ALS admin and oracle APIs. */
export class AdminClient {
  constructor(readonly baseUrl: string) {
    try {
      new URL(baseUrl);
    } catch (error) {
      throw new PerfplaneError(
        'InvalidArgument',
        `invalid URL "${baseUrl}": expected http(s)://host[:port][/path]`,
        {
          cause: error,
        },
      );
    }
  }

  async request(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const url = `${this.baseUrl.replace(/\/$/, '')}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers:
          body === undefined
            ? { accept: 'application/json' }
            : { 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new PerfplaneError(
        'ControlPlaneUnavailable',
        `${method} ${url} failed: ${error instanceof Error ? error.message : String(error)}; check that the service is up and the URL is right`,
        { cause: error },
      );
    }
    const text = await response.text();
    let parsed: unknown;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, body: parsed };
  }

  /** Like `request`, but throws unless the status is 2xx. */
  async expectOk(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await this.request(method, path, body);
    if (response.status >= 200 && response.status < 300) return response.body;
    throw new PerfplaneError(
      'PhaseFailed',
      `${method} ${this.baseUrl}${path} returned HTTP ${response.status}: ${describeError(response.body)}`,
      { details: { status: response.status, body: response.body } },
    );
  }
}

/** Returns the errorDescription of an FSPIOP error body, or the body as text. */
export function describeError(body: unknown): string {
  const info = (
    body as { errorInformation?: { errorCode?: string; errorDescription?: string } } | undefined
  )?.errorInformation;
  if (info) return `${info.errorCode} ${info.errorDescription}`;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** True when a failed create reports that the thing exists already, which onboarding treats as success. */
export function isAlreadyExists(response: ApiResponse): boolean {
  return response.status === 400 && /already/i.test(describeError(response.body));
}

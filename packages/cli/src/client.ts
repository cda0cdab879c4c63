import { ERROR_CODES, type ErrorCode, PerfplaneError } from '@perfplane/core';

/** Maximum wait for one API response, in milliseconds. */
const REQUEST_TIMEOUT_MS = 30_000;

/** Talks to a control plane over HTTP: the embedded service or a deployed API. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
    /** Sends the request; a deployed API gets a fetch that signs with SigV4. */
    private readonly send: (
      url: URL,
      init: {
        method: string;
        headers: Record<string, string>;
        body?: string;
        signal?: AbortSignal;
      },
    ) => Promise<Response> = fetch,
  ) {}

  get url(): string {
    return this.baseUrl;
  }

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) {
      headers.authorization = `Bearer ${this.token}`;
    }
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    let response: Response;
    try {
      response = await this.send(new URL(path, this.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      // Only the embedded service has a token. A deployed API is reached with
      // SigV4, and its signer also fails here when the region or credentials are missing.
      const fix = this.token
        ? 'start it with `perfplane runtime start`'
        : 'check the --api URL, AWS_REGION and the AWS credentials (AWS_PROFILE or AWS_ACCESS_KEY_ID)';
      throw new PerfplaneError(
        'ControlPlaneUnavailable',
        `control plane at ${this.baseUrl} did not respond (${(error as Error).message}); ${fix}`,
        { cause: error },
      );
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      throw new PerfplaneError(
        'ControlPlaneUnavailable',
        `control plane at ${this.baseUrl} returned HTTP ${response.status} without JSON`,
      );
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } }).error;
      const code = (
        error?.code && error.code in ERROR_CODES ? error.code : 'Internal'
      ) as ErrorCode;
      throw new PerfplaneError(code, error?.message ?? `HTTP ${response.status}`);
    }
    return parsed as T;
  }
}

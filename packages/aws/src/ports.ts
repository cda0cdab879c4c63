import type { OperationLambda } from './http/routes.js';

/**
 * The shared HTTP router's request and response, as the router in
 * @perfplane/control takes and returns them.
 */
export interface RouterRequest {
  method: string;
  /** Path with the query string, when there is one. */
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface RouterResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type ApiRouter = (request: RouterRequest) => Promise<RouterResponse>;

/** Request the API, Slack and the schedules send to an operation Lambda. */
export interface OperationRequest {
  environment: string;
  body: Record<string, unknown>;
  source: 'api' | 'slack' | 'schedule';
  /** IAM principal or Slack user that asked, for the records. */
  requestedBy?: string;
}

export type OperationInvoker = (
  lambda: OperationLambda,
  request: OperationRequest,
) => Promise<RouterResponse>;

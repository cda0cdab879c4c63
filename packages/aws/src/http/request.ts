import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { HttpError } from '../runtime/http-errors.js';
import { type MatchedRoute, matchRoute, type RouteDefinition } from './routes.js';
import { MAX_BODY_BYTES } from './schemas.js';

/** A request that passed validation: every value below matches the route's schemas. */
export interface ValidatedRequest {
  route: RouteDefinition;
  method: string;
  /** Decoded path without the query string. */
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, unknown> | undefined;
  headers: Record<string, string>;
}

function describeIssues(where: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.length > 0 ? `${where}.${issue.path.join('.')}` : where;
      return `${field}: ${issue.message}`;
    })
    .join('; ');
}

function decodeSegments(rawPath: string): string {
  const segments = rawPath.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw new HttpError(
        400,
        'InvalidArgument',
        `path segment "${segment}" is not valid percent-encoding`,
      );
    }
  });
  // A decoded slash would move a parameter across segments, so reject it outright.
  if (segments.some((segment) => segment.includes('/') || segment.includes('\\'))) {
    throw new HttpError(400, 'InvalidArgument', `path "${rawPath}" contains an encoded slash`);
  }
  return segments.join('/');
}

/** Reads the body as text, decoding base64 first when `isBase64Encoded` is set. */
export function rawBodyOf(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): string {
  if (event.body === undefined || event.body === null) {
    return '';
  }
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

function parseBody(route: RouteDefinition, text: string): Record<string, unknown> | undefined {
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new HttpError(
      413,
      'InvalidArgument',
      `request body is larger than ${MAX_BODY_BYTES} bytes`,
    );
  }
  if (!route.body) {
    if (text.trim() !== '') {
      throw new HttpError(400, 'InvalidArgument', `${route.method} ${route.path} takes no body`);
    }
    return undefined;
  }
  let json: unknown = {};
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new HttpError(
        400,
        'InvalidArgument',
        `request body is not valid JSON: ${(error as Error).message}`,
      );
    }
  }
  const result = route.body.safeParse(json);
  if (!result.success) {
    throw new HttpError(400, 'InvalidArgument', describeIssues('body', result.error));
  }
  return result.data as Record<string, unknown>;
}

function parseParams(match: MatchedRoute): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, schema] of Object.entries(match.route.params)) {
    const result = schema.safeParse(match.params[name]);
    if (!result.success) {
      const code = name === 'phase' ? 'UnknownPhase' : 'InvalidArgument';
      const status = name === 'phase' ? 404 : 400;
      throw new HttpError(
        status,
        code,
        `path parameter ${name} "${match.params[name]}" is invalid: ${result.error.issues[0]?.message}`,
      );
    }
    params[name] = result.data;
  }
  return params;
}

function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) {
      result[name.toLowerCase()] = value;
    }
  }
  return result;
}

/**
 * Validates an API Gateway v2 event against the route table: method and path,
 * path parameters, query and body. Throws HttpError with a 4xx status on the
 * caller's mistakes; nothing has been written at that point.
 */
export function validateRequest(event: APIGatewayProxyEventV2): ValidatedRequest {
  const method = event.requestContext.http.method.toUpperCase();
  const path = decodeSegments(event.rawPath);
  const { match, allowed } = matchRoute(method, path);
  if (!match) {
    if (allowed.length > 0) {
      throw new HttpError(
        405,
        'InvalidArgument',
        `${method} is not allowed on ${path}; use ${allowed.join(', ')}`,
      );
    }
    throw new HttpError(404, 'NotFound', `no route for ${method} ${path}`);
  }
  const query = match.route.query.safeParse(
    Object.fromEntries(new URLSearchParams(event.rawQueryString ?? '')),
  );
  if (!query.success) {
    throw new HttpError(400, 'InvalidArgument', describeIssues('query', query.error));
  }
  const headers = lowerCaseHeaders(event.headers);
  const contentType = headers['content-type'];
  const text = rawBodyOf(event);
  if (text !== '' && contentType && !contentType.startsWith('application/json')) {
    throw new HttpError(
      415,
      'InvalidArgument',
      `content-type "${contentType}" is not supported; send application/json`,
    );
  }
  return {
    route: match.route,
    method,
    path,
    params: parseParams(match),
    query: query.data as Record<string, string>,
    body: parseBody(match.route, text),
    headers,
  };
}

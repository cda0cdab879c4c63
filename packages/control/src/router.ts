import { type ErrorCode, isPerfplaneError, PerfplaneError } from '@perfplane/core';
import { z } from 'zod';
import { costSaving, report } from './extras.js';
import {
  approve,
  emergencyStop,
  getRun,
  progress,
  resume,
  rollback,
  skip,
  startRun,
  validateAll,
} from './operations.js';
import type { ControlDeps } from './ports.js';
import { buildSupportBundle } from './support-bundle.js';

export interface ApiRequest {
  method: string;
  path: string;
  headers?: Record<string, string | undefined>;
  /** Raw body text; an empty body counts as `{}`. */
  body?: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Largest accepted request body, in bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

/** HTTP status of each error code, shared by the Lambda and the embedded API. */
const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  InvalidArgument: 400,
  ConfirmationRequired: 400,
  InvalidEnvironment: 422,
  InvalidBuildspec: 422,
  UnknownPhase: 404,
  UnknownEnvironment: 404,
  NotFound: 404,
  Unauthorized: 401,
  LockHeld: 409,
  StaleFence: 409,
  Conflict: 409,
  NothingToResume: 409,
  DependencyNotMet: 409,
  ControlPlaneUnavailable: 503,
};

// Empty phase names pass here so the operation rejects them as UnknownPhase.
const phaseList = z.array(z.string().max(64)).min(1).max(8);
const schemas = {
  run: z.strictObject({ phases: phaseList.optional(), interactive: z.boolean().optional() }),
  rollback: z.strictObject({
    phase: z.string().max(64).optional(),
    cascade: z.boolean().optional(),
    all: z.boolean().optional(),
    confirm: z.boolean().optional(),
  }),
  skip: z.strictObject({ reason: z.string().trim().min(1).max(500) }),
  validate: z.strictObject({ detailed: z.boolean().optional() }),
  empty: z.strictObject({}),
  costSaving: z.strictObject({ action: z.enum(['on', 'off']), retainData: z.boolean().optional() }),
  approval: z.strictObject({
    phase: z.string().max(64),
    action: z.enum(['deploy', 'validate', 'rollback']),
    approved: z.boolean(),
  }),
};

function parseBody<T>(schema: z.ZodType<T>, body: string | undefined): T {
  const text = body ?? '';
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    throw new PerfplaneError(
      'InvalidArgument',
      `request body is larger than ${MAX_BODY_BYTES} bytes`,
    );
  }
  let value: unknown = {};
  if (text.trim()) {
    try {
      value = JSON.parse(text);
    } catch {
      throw new PerfplaneError('InvalidArgument', 'request body is not valid JSON');
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const field = issue.path.join('.') || '(body)';
      return `field "${field}": ${issue.message}`;
    });
    throw new PerfplaneError('InvalidArgument', `invalid request body: ${problems.join('; ')}`);
  }
  return result.data;
}

type Handler = (deps: ControlDeps, params: string[], body: string | undefined) => Promise<unknown>;

const ROUTES: { method: string; pattern: RegExp; handler: Handler }[] = [
  {
    method: 'POST',
    pattern: /^\/environments\/([^/]+)\/runs$/,
    handler: (deps, [env = ''], body) => startRun(deps, env, parseBody(schemas.run, body)),
  },
  {
    method: 'GET',
    pattern: /^\/environments\/([^/]+)\/progress$/,
    handler: (deps, [env = '']) => progress(deps, env),
  },
  {
    method: 'POST',
    pattern: /^\/environments\/([^/]+)\/resume$/,
    handler: (deps, [env = ''], body) => {
      parseBody(schemas.empty, body);
      return resume(deps, env);
    },
  },
  {
    method: 'POST',
    pattern: /^\/environments\/([^/]+)\/rollback$/,
    handler: (deps, [env = ''], body) => rollback(deps, env, parseBody(schemas.rollback, body)),
  },
  {
    method: 'POST',
    pattern: /^\/environments\/([^/]+)\/phases\/([^/]+)\/skip$/,
    handler: (deps, [env = '', phase = ''], body) =>
      skip(deps, env, phase, parseBody(schemas.skip, body).reason),
  },
  {
    method: 'POST',
    pattern: /^\/environments\/([^/]+)\/validate$/,
    handler: (deps, [env = ''], body) => {
      parseBody(schemas.validate, body);
      return validateAll(deps, env);
    },
  },
  {
    method: 'POST',
    pattern: /^\/environments\/([^/]+)\/emergency-stop$/,
    handler: (deps, [env = ''], body) => {
      parseBody(schemas.empty, body);
      return emergencyStop(deps, env);
    },
  },
  {
    method: 'POST',
    pattern: /^\/environments\/([^/]+)\/cost-saving$/,
    handler: (deps, [env = ''], body) => costSaving(deps, env, parseBody(schemas.costSaving, body)),
  },
  {
    method: 'POST',
    pattern: /^\/environments\/([^/]+)\/support-bundle$/,
    handler: (deps, [env = ''], body) => {
      parseBody(schemas.empty, body);
      return buildSupportBundle(deps, env);
    },
  },
  {
    method: 'GET',
    pattern: /^\/environments\/([^/]+)\/report$/,
    handler: (deps, [env = '']) => report(deps, env),
  },
  {
    method: 'GET',
    pattern: /^\/runs\/([^/]+)$/,
    handler: (deps, [runId = '']) => getRun(deps, runId),
  },
  {
    method: 'POST',
    pattern: /^\/runs\/([^/]+)\/approvals$/,
    handler: (deps, [runId = ''], body) => approve(deps, runId, parseBody(schemas.approval, body)),
  },
];

function json(status: number, value: unknown): ApiResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
  };
}

/** Returns the HTTP status for an error code; codes not listed are the server's fault (500). */
export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code] ?? 500;
}

/** Describes an error as the API returns it; unexpected errors hide their details. */
export function errorResponse(error: unknown): ApiResponse {
  if (isPerfplaneError(error)) {
    return json(httpStatusOf(error.code), {
      error: { code: error.code, message: error.message },
    });
  }
  return json(500, { error: { code: 'Internal', message: 'internal error; see the service log' } });
}

function decodeSegments(match: RegExpExecArray): string[] {
  return match.slice(1).map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw new PerfplaneError('InvalidArgument', `invalid path segment "${segment}"`);
    }
  });
}

/**
 * Routes one API request to its control operation. The Lambda and the
 * embedded service both call it; neither HTTP server nor runtime lives here.
 */
export async function handleApiRequest(
  deps: ControlDeps,
  request: ApiRequest,
  onError?: (error: unknown) => void,
): Promise<ApiResponse> {
  const path = request.path.split('?')[0]?.replace(/\/+$/, '') ?? '';
  const sameRoute = ROUTES.filter((route) => route.pattern.test(path));
  if (sameRoute.length === 0) {
    return json(404, { error: { code: 'NotFound', message: `no route for ${path}` } });
  }
  const route = sameRoute.find((entry) => entry.method === request.method.toUpperCase());
  if (!route) {
    return json(405, {
      error: {
        code: 'InvalidArgument',
        message: `method ${request.method} not allowed on ${path}`,
      },
    });
  }
  try {
    const match = route.pattern.exec(path) as RegExpExecArray;
    const result = await route.handler(deps, decodeSegments(match), request.body);
    return json(200, result);
  } catch (error) {
    if (!isPerfplaneError(error) || error.code === 'Internal') {
      onError?.(error);
    }
    return errorResponse(error);
  }
}

/** Binds the router to one set of ports, for a Lambda or server that serves many requests. */
export function createApiRouter(
  deps: ControlDeps,
  onError?: (error: unknown) => void,
): (request: ApiRequest) => Promise<ApiResponse> {
  return (request) => handleApiRequest(deps, request, onError);
}

import type { z } from 'zod';
import {
  approvalBody,
  costSavingBody,
  emergencyStopBody,
  emptyBody,
  environmentName,
  noQuery,
  phaseId,
  reportQuery,
  rollbackBody,
  runId,
  skipBody,
  startRunBody,
  supportBundleBody,
  validateBody,
} from './schemas.js';

/** Lambdas that serve an operation themselves instead of the shared router. */
export type OperationLambda = 'validate' | 'cost-saving' | 'emergency-stop' | 'support-bundle';

export interface RouteDefinition {
  method: 'GET' | 'POST';
  /** Path template with `{name}` parameters. */
  path: string;
  operationId: string;
  summary: string;
  params: Record<string, z.ZodType<string>>;
  query: z.ZodType;
  /** Undefined for routes without a body. */
  body?: z.ZodType;
  /** Set when a dedicated Lambda serves the route. */
  lambda?: OperationLambda;
}

const env = { env: environmentName };

/** Every route of the HTTP API: the single source for validation and the OpenAPI document. */
export const ROUTES: readonly RouteDefinition[] = [
  {
    method: 'POST',
    path: '/environments/{env}/runs',
    operationId: 'startRun',
    summary: 'Start a run of the selected phases',
    params: env,
    query: noQuery,
    body: startRunBody,
  },
  {
    method: 'GET',
    path: '/environments/{env}/progress',
    operationId: 'getProgress',
    summary: 'Progress of the environment: phases, percent, elapsed time and ETA',
    params: env,
    query: noQuery,
  },
  {
    method: 'POST',
    path: '/environments/{env}/resume',
    operationId: 'resumeRun',
    summary: 'Resume the latest unfinished run',
    params: env,
    query: noQuery,
    body: emptyBody,
  },
  {
    method: 'POST',
    path: '/environments/{env}/rollback',
    operationId: 'rollback',
    summary: 'Roll back one phase, with its dependents when cascading, or all phases',
    params: env,
    query: noQuery,
    body: rollbackBody,
  },
  {
    method: 'POST',
    path: '/environments/{env}/phases/{phase}/skip',
    operationId: 'skipPhase',
    summary: 'Mark a phase as provided by existing infrastructure',
    params: { ...env, phase: phaseId },
    query: noQuery,
    body: skipBody,
  },
  {
    method: 'POST',
    path: '/environments/{env}/validate',
    operationId: 'validateAll',
    summary: 'Check every phase through the AWS APIs, optionally starting validate builds',
    params: env,
    query: noQuery,
    body: validateBody,
    lambda: 'validate',
  },
  {
    method: 'POST',
    path: '/environments/{env}/emergency-stop',
    operationId: 'emergencyStop',
    summary: 'Stop the run, its builds and its load tests, and free the lock',
    params: env,
    query: noQuery,
    body: emergencyStopBody,
    lambda: 'emergency-stop',
  },
  {
    method: 'POST',
    path: '/environments/{env}/cost-saving',
    operationId: 'costSaving',
    summary: 'Turn cost-saving mode on (scale down, stop the database) or off',
    params: env,
    query: noQuery,
    body: costSavingBody,
    lambda: 'cost-saving',
  },
  {
    method: 'POST',
    path: '/environments/{env}/support-bundle',
    operationId: 'supportBundle',
    summary: 'Build a redacted tar.gz of records, history and logs; returns a download link',
    params: env,
    query: noQuery,
    body: supportBundleBody,
    lambda: 'support-bundle',
  },
  {
    method: 'GET',
    path: '/environments/{env}/report',
    operationId: 'getReport',
    summary: 'Where the latest report, or the named one, is stored',
    params: env,
    query: reportQuery,
  },
  {
    method: 'GET',
    path: '/runs/{runId}',
    operationId: 'getRun',
    summary: 'One run with its phases and events',
    params: { runId },
    query: noQuery,
  },
  {
    method: 'POST',
    path: '/runs/{runId}/approvals',
    operationId: 'approve',
    summary: 'Approve or reject a phase action waiting in an interactive run',
    params: { runId },
    query: noQuery,
    body: approvalBody,
  },
];

export interface MatchedRoute {
  route: RouteDefinition;
  params: Record<string, string>;
}

function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) {
    return undefined;
  }
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const actual = got[index] ?? '';
    if (part.startsWith('{')) {
      params[part.slice(1, -1)] = actual;
    } else if (part !== actual) {
      return undefined;
    }
  }
  return params;
}

/** Finds the route for a method and path; `allowed` lists methods when only the path matches. */
export function matchRoute(
  method: string,
  path: string,
): { match?: MatchedRoute; allowed: string[] } {
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const params = matchTemplate(route.path, path);
    if (!params) {
      continue;
    }
    if (route.method === method.toUpperCase()) {
      return { match: { route, params }, allowed };
    }
    allowed.push(route.method);
  }
  return { allowed };
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, renderOpenApiDocument } from '../src/http/openapi.js';
import { ROUTES } from '../src/http/routes.js';
import { ROOT } from './fixtures.js';

type Operation = {
  operationId: string;
  parameters: { name: string; in: string }[];
  requestBody?: { content: { 'application/json': { schema: Record<string, unknown> } } };
};

describe('openapi document', () => {
  const document = buildOpenApiDocument() as {
    openapi: string;
    paths: Record<string, Record<string, Operation>>;
  };

  it('matches the committed file', () => {
    const committed = readFileSync(path.join(ROOT, 'docs', 'openapi.json'), 'utf8');
    expect(committed, 'docs/openapi.json is stale: run npm run generate:openapi').toBe(
      renderOpenApiDocument(),
    );
  });

  it('is OpenAPI 3.1', () => {
    expect(document.openapi).toBe('3.1.0');
  });

  it('lists every route', () => {
    for (const route of ROUTES) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation?.operationId, `${route.method} ${route.path}`).toBe(route.operationId);
    }
  });

  it('declares path parameters', () => {
    for (const route of ROUTES) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      const declared = operation?.parameters.filter((p) => p.in === 'path').map((p) => p.name);
      const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      expect(declared).toEqual(inPath);
    }
  });

  it('closes request bodies', () => {
    const body =
      document.paths['/environments/{env}/runs']?.post?.requestBody?.content['application/json']
        .schema;
    expect(body?.additionalProperties).toBe(false);
  });

  it('documents the report name', () => {
    const parameters = document.paths['/environments/{env}/report']?.get?.parameters ?? [];
    expect(parameters).toContainEqual(expect.objectContaining({ name: 'name', in: 'query' }));
  });
});

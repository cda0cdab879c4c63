import { z } from 'zod';
import { ROUTES } from './routes.js';
import { errorBody, MAX_BODY_BYTES } from './schemas.js';

type JsonObject = Record<string, unknown>;

function schemaOf(schema: z.ZodType): JsonObject {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as JsonObject;
  delete json.$schema;
  return json;
}

const ERROR_RESPONSES = {
  '400': 'Malformed JSON, an unknown field or a wrong type',
  '404': 'Unknown route, environment, phase or run',
  '409': 'The environment lock is held or the state changed meanwhile',
  '413': `Body larger than ${MAX_BODY_BYTES} bytes`,
  '500': 'Internal error; details are in the function logs',
};

/** Builds the OpenAPI 3.1 document of the HTTP API from the route table's zod schemas. */
export function buildOpenApiDocument(): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of ROUTES) {
    const parameters = [
      ...Object.entries(route.params).map(([name, schema]) => ({
        name,
        in: 'path',
        required: true,
        schema: schemaOf(schema),
      })),
      ...Object.entries((schemaOf(route.query).properties ?? {}) as Record<string, JsonObject>).map(
        ([name, schema]) => ({ name, in: 'query', required: false, schema }),
      ),
    ];
    const errors: Record<string, JsonObject> = Object.fromEntries(
      Object.entries(ERROR_RESPONSES).map(([status, description]) => [
        status,
        {
          description,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      ]),
    );
    errors['403'] = {
      description:
        'Missing or invalid SigV4 signature; API Gateway answers before the function runs',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: { message: { type: 'string' } },
            required: ['message'],
          },
        },
      },
    };
    const operation: JsonObject = {
      operationId: route.operationId,
      summary: route.summary,
      parameters,
      responses: {
        '200': { description: 'Success; the body depends on the operation' },
        ...errors,
      },
      security: [{ sigv4: [] }],
    };
    if (route.body) {
      operation.requestBody = {
        required: false,
        content: { 'application/json': { schema: schemaOf(route.body) } },
      };
    }
    paths[route.path] = { ...(paths[route.path] ?? {}), [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'perfplane control plane',
      version: '0.1.0',
      description:
        'Runs, rollbacks, validation, cost-saving mode, emergency stop and support bundles of the perfplane phases. Served by API Gateway with IAM authorization, and by the embedded control plane on 127.0.0.1.',
    },
    paths,
    components: {
      schemas: { Error: schemaOf(errorBody) },
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description: 'AWS Signature Version 4 for service execute-api',
        },
      },
    },
  };
}

export function renderOpenApiDocument(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}

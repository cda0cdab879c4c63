import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { FspiopError } from './fspiop-errors.js';

/**
 * Bundled OpenAPI 3 documents in @mojaloop/api-snippets: the FSPIOP API v1.1
 * and the mojaloop-sdk-scheme-adapter outbound API v2.0.0.
 */
const FSPIOP_DOCUMENT = 'docs/fspiop-rest-v1.1-openapi3-snippets.yaml';
const SDK_OUTBOUND_DOCUMENT = 'docs/sdk-scheme-adapter-outbound-v2_0_0-openapi3-snippets.yaml';

interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
  $ref?: string;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
}

type OpenApiPathItem = Record<string, OpenApiOperation | OpenApiParameter[] | undefined> & {
  parameters?: OpenApiParameter[];
};

interface OpenApiDocument {
  paths: Record<string, OpenApiPathItem>;
  components: { schemas: Record<string, unknown>; parameters: Record<string, OpenApiParameter> };
}

/** Headers and body schema one API operation requires. */
interface OperationRule {
  requiredHeaders: string[];
  validateBody?: ValidateFunction;
}

function readDocument(relativePath: string): OpenApiDocument {
  const require = createRequire(import.meta.url);
  const packageRoot = path.dirname(require.resolve('@mojaloop/api-snippets/package.json'));
  return parse(readFileSync(path.join(packageRoot, relativePath), 'utf8')) as OpenApiDocument;
}

function resolveParameter(
  document: OpenApiDocument,
  parameter: OpenApiParameter,
): OpenApiParameter {
  if (!parameter.$ref) return parameter;
  const name = parameter.$ref.replace('#/components/parameters/', '');
  const resolved = document.components.parameters[name];
  if (!resolved) throw new Error(`unresolved parameter reference ${parameter.$ref}`);
  return resolved;
}

/**
 * Compiles the request rules of every operation of an OpenAPI document once,
 * keyed by `<METHOD> <path template>`.
 */
function compileRules(ajv: Ajv, id: string, document: OpenApiDocument): Map<string, OperationRule> {
  ajv.addSchema({ $id: id, components: { schemas: document.components.schemas } });
  const rules = new Map<string, OperationRule>();
  for (const [template, item] of Object.entries(document.paths)) {
    const shared = (item.parameters ?? []).map((p) => resolveParameter(document, p));
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const operation = item[method] as OpenApiOperation | undefined;
      if (!operation) continue;
      const own = (operation.parameters ?? []).map((p) => resolveParameter(document, p));
      const requiredHeaders = [...shared, ...own]
        .filter((p) => p.in === 'header' && p.required)
        .map((p) => p.name.toLowerCase());
      const schemaRef = operation.requestBody?.content?.['application/json']?.schema?.$ref;
      const rule: OperationRule = { requiredHeaders };
      if (schemaRef) {
        const validate = ajv.getSchema(`${id}${schemaRef}`);
        if (!validate) throw new Error(`unresolved schema reference ${schemaRef} in ${id}`);
        rule.validateBody = validate;
      }
      rules.set(`${method.toUpperCase()} ${template}`, rule);
    }
  }
  return rules;
}

const CONTENT_TYPE =
  /^application\/vnd\.interoperability\.([a-z]+)\+json\s*;\s*version=(\d+)(\.\d+)?$/;

let shared: RequestValidator | undefined;

/** Validates FSPIOP and SDK outbound requests against the api-snippets schemas. */
export class RequestValidator {
  /** Returns the validator of this process, compiling the schemas on first use. */
  static shared(): RequestValidator {
    shared ??= new RequestValidator();
    return shared;
  }

  private readonly fspiop: Map<string, OperationRule>;
  private readonly sdk: Map<string, OperationRule>;

  constructor() {
    // OpenAPI 3.0 schemas carry keywords (example, nullable) that JSON Schema lacks.
    const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
    this.fspiop = compileRules(ajv, 'fspiop', readDocument(FSPIOP_DOCUMENT));
    this.sdk = compileRules(ajv, 'sdk', readDocument(SDK_OUTBOUND_DOCUMENT));
  }

  /**
   * Checks the headers an FSPIOP operation requires, the resource and version
   * in Content-Type and Accept, the Date, and the body schema.
   * Throws FspiopError 3102 (missing header), 3001 (version), 3101 or 3100.
   */
  validateFspiop(
    operation: string,
    resource: string,
    headers: Record<string, string | string[] | undefined>,
    body: unknown,
  ): void {
    const rule = this.fspiop.get(operation);
    if (!rule) throw new FspiopError('3002', operation);
    for (const name of rule.requiredHeaders) {
      if (!headers[name]) throw new FspiopError('3102', `missing header ${name}`);
    }
    checkVersionedHeader('content-type', headers['content-type'], resource, true);
    if (operation.startsWith('GET ') || operation.startsWith('POST ')) {
      checkVersionedHeader('accept', headers.accept, resource, true);
    }
    const date = headers.date;
    if (typeof date !== 'string' || Number.isNaN(Date.parse(date))) {
      throw new FspiopError('3101', `invalid Date header "${String(date)}"`);
    }
    if (rule.validateBody) checkBody(rule.validateBody, body);
  }

  /** Checks an SDK outbound request body against its schema; throws FspiopError 3100. */
  validateSdk(operation: string, body: unknown): void {
    const rule = this.sdk.get(operation);
    if (!rule) throw new FspiopError('3002', operation);
    if (rule.validateBody) checkBody(rule.validateBody, body);
  }
}

function checkVersionedHeader(
  name: string,
  value: string | string[] | undefined,
  resource: string,
  required: boolean,
): void {
  if (value === undefined) {
    if (required) throw new FspiopError('3102', `missing header ${name}`);
    return;
  }
  const text = Array.isArray(value) ? value.join(',') : value;
  const match = CONTENT_TYPE.exec(text.trim());
  if (!match) {
    throw new FspiopError(
      '3101',
      `invalid ${name} "${text}": expected application/vnd.interoperability.${resource}+json;version=1.1`,
    );
  }
  if (match[1] !== resource) {
    throw new FspiopError('3101', `invalid ${name} "${text}": resource must be ${resource}`);
  }
  if (match[2] !== '1') {
    throw new FspiopError(
      '3001',
      `${name} version ${match[2]}${match[3] ?? ''}; supported: 1.0, 1.1`,
    );
  }
}

function checkBody(validate: ValidateFunction, body: unknown): void {
  if (body === undefined) throw new FspiopError('3102', 'missing request body');
  if (validate(body)) return;
  const first = validate.errors?.[0];
  const where = first?.instancePath || '/';
  throw new FspiopError('3100', `${where} ${first?.message ?? 'is invalid'}`);
}

// Writes docs/openapi.json from the API's zod schemas. The API test fails
// when the committed file differs, so rerun this after changing a route.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderOpenApiDocument } from '../packages/aws/src/http/openapi.js';

const target = path.resolve(import.meta.dirname, '..', 'docs', 'openapi.json');
writeFileSync(target, renderOpenApiDocument());
console.log(`wrote ${path.relative(process.cwd(), target)}`);

/**
 * Prints an environment, validated and with defaults filled in, as JSON so
 * shell scripts can query it with jq. Usage: tsx environment-json.ts NAME
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPerfplaneError, loadEnvironment } from '@perfplane/core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const name = process.argv[2];
if (!name) {
  process.stderr.write('usage: tsx phases/lib/environment-json.ts NAME\n');
  process.exit(2);
}
try {
  const environment = await loadEnvironment(root, name);
  process.stdout.write(`${JSON.stringify(environment, null, 2)}\n`);
} catch (error) {
  const message = isPerfplaneError(error) ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  process.exit(isPerfplaneError(error) ? error.exitCode : 1);
}

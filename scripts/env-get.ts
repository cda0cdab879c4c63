/**
 * Prints values of an environment file, one line per dotted path: strings,
 * numbers and booleans as they are, objects and arrays as JSON. Phase
 * scripts use it to read settings without parsing YAML in bash.
 *
 *   npx tsx scripts/env-get.ts rehearsal ladder target.p95Ms simulator.port
 *
 * Exit status 2 on a bad path or usage, 4 or 5 for an unknown or invalid
 * environment (the PerfplaneError exit codes).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPerfplaneError, loadEnvironment } from '@perfplane/core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function lookup(value: unknown, dottedPath: string): unknown {
  let current = value;
  for (const key of dottedPath.split('.')) {
    if (current === null || typeof current !== 'object' || !(key in current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function render(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

async function main(): Promise<number> {
  const [name, ...paths] = process.argv.slice(2);
  if (!name || paths.length === 0) {
    process.stderr.write('usage: env-get.ts <environment> <dotted.path> [<dotted.path> ...]\n');
    return 2;
  }
  const environment = await loadEnvironment(process.env.PERFPLANE_ROOT ?? ROOT, name);
  const lines: string[] = [];
  for (const dottedPath of paths) {
    const value = dottedPath === '.' ? environment : lookup(environment, dottedPath);
    if (value === undefined) {
      process.stderr.write(`environment "${name}" has no value at "${dottedPath}"\n`);
      return 2;
    }
    lines.push(render(value));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = isPerfplaneError(error) ? error.exitCode : 1;
  },
);

/**
 * Command line for the quota check, called by the prerequisites scripts.
 *
 *   tsx quota-check.ts requirements ENV         JSON list of quotas to read
 *   tsx quota-check.ts evaluate ENV READINGS    table and unmet lines; exit 3 if short
 *
 * READINGS is a JSON array of { code, limit?, used? } written by the shell
 * script from `aws service-quotas get-service-quota` and usage queries.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPerfplaneError, loadEnvironment, REQUIREMENTS_NOT_MET_EXIT } from '@perfplane/core';
import {
  describeShortfalls,
  evaluateQuotas,
  formatQuotaTable,
  type QuotaReading,
  requiredQuotas,
} from './quotas.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function main(argv: string[]): Promise<number> {
  const [command, name, readingsFile] = argv;
  if (!name || (command !== 'requirements' && command !== 'evaluate')) {
    process.stderr.write('usage: quota-check.ts requirements|evaluate ENV [READINGS.json]\n');
    return 2;
  }
  const environment = await loadEnvironment(root, name);
  const requirements = requiredQuotas(environment);
  if (command === 'requirements') {
    process.stdout.write(`${JSON.stringify(requirements)}\n`);
    return 0;
  }
  if (!readingsFile) {
    process.stderr.write('usage: quota-check.ts evaluate ENV READINGS.json\n');
    return 2;
  }
  const readings = JSON.parse(await readFile(readingsFile, 'utf8')) as QuotaReading[];
  const rows = evaluateQuotas(requirements, readings);
  process.stdout.write(`${formatQuotaTable(rows)}\n`);
  for (const row of rows.filter((candidate) => candidate.status === 'unknown')) {
    process.stdout.write(
      `warning: quota ${row.code} (${row.name}) could not be read; check it in the Service Quotas console\n`,
    );
  }
  const shortfalls = describeShortfalls(rows, environment.aws?.region ?? 'unknown region');
  for (const shortfall of shortfalls) {
    process.stdout.write(`##perfplane[unmet] ${shortfall}\n`);
  }
  return shortfalls.length > 0 ? REQUIREMENTS_NOT_MET_EXIT : 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const message = isPerfplaneError(error) || error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: quota check: ${message}\n`);
  process.exitCode = 1;
}

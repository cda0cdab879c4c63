#!/usr/bin/env node
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPerfplaneError, loadEnvironment, PerfplaneError } from '@perfplane/core';
import { Command, InvalidArgumentError } from 'commander';
import { AdminClient } from './client.js';
import { onboard } from './onboard.js';
import { DEFAULT_PARTIES_PER_DFSP } from './plan.js';
import { verify } from './verify.js';

const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new InvalidArgumentError('expected a whole number of 1 or more');
  return parsed;
}

interface Options {
  env: string;
  hubUrl: string;
  alsUrl: string;
  oracleUrl?: string;
  callbackUrlTemplate?: string;
  partiesPerDfsp: number;
  verify?: boolean;
  root: string;
}

/** Callback base of the switch simulator's inbox, on the same origin as the hub URL. */
function defaultCallbackTemplate(hubUrl: string): string {
  return `${new URL(hubUrl).origin}/callbacks/{dfsp}`;
}

async function run(options: Options): Promise<number> {
  const environment = await loadEnvironment(options.root, options.env);
  const hub = new AdminClient(options.hubUrl);
  if (options.verify) {
    const checks = await verify(environment, hub);
    for (const check of checks) {
      const state = check.problems.length === 0 ? 'ok' : check.problems.join('; ');
      process.stdout.write(
        `${check.id.padEnd(14)} active=${check.active} ndc=${check.netDebitCap} funds=${check.settlementBalance} position=${check.position} endpoints=${check.endpoints} ${state}\n`,
      );
    }
    const failed = checks.filter((c) => c.problems.length > 0);
    process.stdout.write(`${checks.length - failed.length} of ${checks.length} DFSPs onboarded\n`);
    return failed.length === 0 ? 0 : 1;
  }
  const changes = await onboard(
    environment,
    {
      hub,
      als: new AdminClient(options.alsUrl),
      oracle: options.oracleUrl ? new AdminClient(options.oracleUrl) : undefined,
    },
    {
      callbackUrlTemplate: options.callbackUrlTemplate ?? defaultCallbackTemplate(options.hubUrl),
      oracleUrl: options.oracleUrl,
      partiesPerDfsp: options.partiesPerDfsp,
      onChange: (change) => process.stdout.write(`created ${change}\n`),
    },
  );
  process.stdout.write(
    changes.length === 0
      ? `nothing to do: ${environment.dfsps.length} DFSPs already onboarded\n`
      : `${changes.length} changes made for ${environment.dfsps.length} DFSPs\n`,
  );
  return 0;
}

const program = new Command()
  .name('perfplane-onboarding')
  .description('Onboards the hub and the DFSPs of an environment file; safe to re-run')
  .requiredOption('--env <name>', 'environment name (environments/<name>.yaml)')
  .requiredOption('--hub-url <url>', 'central-ledger admin API base URL')
  .requiredOption('--als-url <url>', 'account-lookup-service admin API base URL')
  .option('--oracle-url <url>', 'MSISDN oracle base URL; registered in the ALS when none is')
  .option(
    '--callback-url-template <url>',
    'DFSP callback base URL, {dfsp} replaced by the DFSP id (default: <hub origin>/callbacks/{dfsp})',
  )
  .option(
    '--parties-per-dfsp <n>',
    'MSISDN parties registered per DFSP',
    positiveInteger,
    DEFAULT_PARTIES_PER_DFSP,
  )
  .option('--verify', 'only check that every DFSP is active with limits, funds and endpoints')
  .option('--root <dir>', 'repository root holding environments/', REPOSITORY_ROOT)
  .action(async (options: Options) => {
    process.exitCode = await run(options);
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(
    `onboarding failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = isPerfplaneError(error)
    ? error.exitCode
    : new PerfplaneError('Internal', '').exitCode;
});

#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { log } from './http.js';
import { startSimulator } from './server.js';

const USAGE = `Usage: perfplane-simulator [options]
  --port N          TCP port on 127.0.0.1 (default 18080, env SIMULATOR_PORT)
  --state FILE      ledger JSON loaded at start, written on SIGTERM/SIGINT and POST /sim/save
  --latency-ms N    added latency per stage, in milliseconds (env SIMULATOR_LATENCY_MS)
  --error-rate R    share of transfers the payee rejects, 0 to 1 (env SIMULATOR_ERROR_RATE)
  --currency CODE   currency of the ledger summary and metrics (default USD)
  --pid-file FILE   write the process id there, removed on exit`;

function numberOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) {
    process.stderr.write(`invalid ${name} "${value}": expected a number\n${USAGE}\n`);
    process.exit(2);
  }
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      state: { type: 'string' },
      'latency-ms': { type: 'string' },
      'error-rate': { type: 'string' },
      currency: { type: 'string' },
      'pid-file': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const pidFile = values['pid-file'];
  const simulator = await startSimulator({
    port: numberOption(values.port ?? process.env.SIMULATOR_PORT, '--port', 18080),
    stateFile: values.state,
    latencyMs: numberOption(
      values['latency-ms'] ?? process.env.SIMULATOR_LATENCY_MS,
      '--latency-ms',
      0,
    ),
    errorRate: numberOption(
      values['error-rate'] ?? process.env.SIMULATOR_ERROR_RATE,
      '--error-rate',
      0,
    ),
    currency: values.currency,
  });
  if (pidFile) {
    await mkdir(path.dirname(pidFile), { recursive: true });
    writeFileSync(pidFile, `${process.pid}\n`);
  }
  log('simulator_ready', {
    url: simulator.url,
    state: values.state ?? null,
    ...simulator.settings,
  });

  const shutdown = (signal: string) => {
    log('simulator_stopping', { signal });
    simulator
      .stop()
      .then(async () => {
        if (pidFile) await rm(pidFile, { force: true });
        log('simulator_stopped', { state: values.state ?? null });
        process.exit(0);
      })
      .catch((error: unknown) => {
        log('simulator_stop_failed', { error: String(error) });
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `simulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

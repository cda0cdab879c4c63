/**
 * Entry point of the detached embedded service the CLI starts:
 *   node --import tsx packages/embedded/src/main.ts --root <repo> [--home <dir>] [--port <n>]
 * Writes <home>/runtime.json once listening and removes it on SIGTERM.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeError, jsonLogger } from './logger.js';
import { defaultHome, statePaths } from './paths.js';
import { startService } from './service.js';

const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    home: { type: 'string' },
    port: { type: 'string' },
    'buildspec-dir': { type: 'string' },
    'statemachine-dir': { type: 'string' },
    'kill-grace-ms': { type: 'string' },
  },
});

const root = path.resolve(values.root ?? process.cwd());
const home = path.resolve(values.home ?? defaultHome(root));
const paths = statePaths(home);

process.on('unhandledRejection', (error) =>
  jsonLogger('error', 'execution-error', describeError(error)),
);

try {
  const service = await startService({
    root,
    home,
    port: values.port ? Number(values.port) : 0,
    buildspecDir: values['buildspec-dir'] ? path.resolve(values['buildspec-dir']) : undefined,
    statemachineDir: values['statemachine-dir']
      ? path.resolve(values['statemachine-dir'])
      : undefined,
    killGraceMs: values['kill-grace-ms'] ? Number(values['kill-grace-ms']) : undefined,
    logger: jsonLogger,
  });
  await writeFile(
    paths.runtimeFile,
    `${JSON.stringify({ port: service.port, pid: process.pid, startedAt: new Date().toISOString() })}\n`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) {
      return;
    }
    stopping = true;
    try {
      await service.close();
    } finally {
      await rm(paths.runtimeFile, { force: true });
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
} catch (error) {
  jsonLogger('error', 'service-stopped', describeError(error));
  process.exit(1);
}

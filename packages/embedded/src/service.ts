import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ControlDeps,
  finishExecution,
  handleApiRequest,
  handleStep,
  hasSomethingToValidate,
  MAX_BODY_BYTES,
  type PhaseAction,
  type StepInput,
  type StepOptions,
} from '@perfplane/control';
import { type Environment, listEnvironments, loadEnvironment, type PhaseId } from '@perfplane/core';
import { Artifacts, Store } from '@perfplane/store';
import {
  dynaliteClient,
  type LocalServer,
  s3rverClient,
  startDynalite,
  startS3rver,
} from '@perfplane/store/testing';
import { LocalBuildRunner } from './build-runner.js';
import { createCostSaver } from './cost-saver.js';
import { describeError, type Logger, silentLogger } from './logger.js';
import { LocalOrchestrator } from './orchestrator.js';
import { statePaths } from './paths.js';
import { recoverInterruptedRuns } from './recovery.js';
import { stopRehearsal } from './rehearsal-stop.js';
import { readRuntimeLogs } from './runtime-logs.js';

export const TABLE_NAME = 'perfplane';
/** Maximum wait at shutdown for task handlers still writing to the store, in milliseconds. */
const SHUTDOWN_WAIT_MS = 10_000;
export const BUCKET_NAME = 'perfplane-artifacts';

export interface ServiceOptions {
  /** Repository root: environments/, phases/ and commands run from here. */
  root: string;
  /** Embedded state folder, usually <root>/.perfplane. */
  home: string;
  /** Folder of <phaseId>.yml buildspecs. Default <root>/buildspecs. */
  buildspecDir?: string;
  /** Folder of {run,rollback,validate}.asl.json. Default <root>/statemachines. */
  statemachineDir?: string;
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  logger?: Logger;
  killGraceMs?: number;
  approvalPollMs?: number;
  /** Test-only shortcuts for Wait states and retries. */
  waitTimeOverrides?: Record<string, number>;
  retryIntervalOverrides?: Record<string, number | number[]>;
}

export interface RunningService {
  port: number;
  url: string;
  token: string;
  deps: ControlDeps;
  runner: LocalBuildRunner;
  orchestrator: LocalOrchestrator;
  /** Stops builds and executions, marks their runs interrupted, and closes everything. */
  close(): Promise<void>;
}

/** Reads the token file, creating it with mode 0600 when missing. */
export async function ensureToken(home: string): Promise<string> {
  const file = statePaths(home).tokenFile;
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing) {
      await chmod(file, 0o600);
      return existing;
    }
  } catch {
    // Missing: a new token is written below.
  }
  const token = randomBytes(32).toString('hex');
  await mkdir(home, { recursive: true });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return token;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares the request's bearer token with the service token in constant time. */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(presented), digest(token));
}

function variablesOf(input: unknown): Record<string, string> {
  const list = (input as { EnvironmentVariablesOverride?: { Name: string; Value: string }[] })
    .EnvironmentVariablesOverride;
  return Object.fromEntries((list ?? []).map((entry) => [entry.Name, String(entry.Value)]));
}

/**
 * Runs the build a CodeBuild task requests. A validate build of a phase the
 * run did not select, or that is not deployed, succeeds without running:
 * there is nothing to check, and recordValidation reports it as such.
 */
async function runBuild(
  deps: ControlDeps,
  runner: LocalBuildRunner,
  variables: Record<string, string>,
): Promise<unknown> {
  const request = {
    runId: variables.PERFPLANE_RUN_ID ?? '',
    environment: variables.PERFPLANE_ENV ?? '',
    phase: variables.PERFPLANE_PHASE as PhaseId,
    action: (variables.PERFPLANE_ACTION ?? 'deploy') as PhaseAction,
    fence: Number(variables.PERFPLANE_FENCE ?? 0),
  };
  if (request.action === 'validate') {
    const run = await deps.store.getRun(request.runId);
    const state = await deps.store.getPhaseState(request.environment, request.phase);
    if (
      !run?.phases.includes(request.phase) ||
      !hasSomethingToValidate(request.phase, state.status)
    ) {
      return { Build: { Id: 'not-run', BuildStatus: 'SUCCEEDED' } };
    }
  }
  return runner.run(request);
}

/** Keeps a rejected promise from being reported as unhandled once its execution was aborted. */
function guarded<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** Starts dynalite, s3rver, the local engine and the HTTP API on 127.0.0.1. */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const paths = statePaths(options.home);
  const logger = options.logger ?? silentLogger;
  await mkdir(paths.logs, { recursive: true });
  const token = await ensureToken(options.home);
  const dynamo = await startDynalite({ path: paths.dynamo, tableName: TABLE_NAME });
  let s3: LocalServer | undefined;
  try {
    s3 = await startS3rver({ directory: paths.s3, buckets: [BUCKET_NAME] });
  } catch (error) {
    await dynamo.close();
    throw error;
  }
  const dynamoClient = dynaliteClient(dynamo.endpoint);
  const s3Client = s3rverClient(s3.endpoint);
  const store = new Store({ client: dynamoClient, tableName: TABLE_NAME });
  const artifacts = new Artifacts({ client: s3Client, bucket: BUCKET_NAME });
  await artifacts.ensureBucket();

  const environments = new Map<string, Environment>();
  const loadEnv = async (name: string) => {
    // Environment files are read on every request so edits apply without a restart.
    const env = await loadEnvironment(options.root, name);
    environments.set(name, env);
    return env;
  };
  const runner = new LocalBuildRunner({
    root: options.root,
    home: options.home,
    buildspecDir: options.buildspecDir ?? path.join(options.root, 'buildspecs'),
    store,
    loadEnvironment: loadEnv,
    killGraceMs: options.killGraceMs,
  });
  const closing = new AbortController();
  const inflight = new Set<Promise<unknown>>();
  // Tracks a task handler's promise so shutdown can wait for it before closing the store.
  const track = <T>(promise: Promise<T>): Promise<T> => {
    const handled = guarded(promise);
    inflight.add(handled);
    void handled.then(
      () => inflight.delete(handled),
      () => inflight.delete(handled),
    );
    return handled;
  };
  const stepOptions: StepOptions = {
    approvalPollMs: options.approvalPollMs,
    signal: closing.signal,
  };
  // The orchestrator and the control deps refer to each other; deps is filled in below.
  const deps = {} as ControlDeps;
  const orchestrator = new LocalOrchestrator({
    statemachineDir: options.statemachineDir ?? path.join(options.root, 'statemachines'),
    waitTimeOverrides: options.waitTimeOverrides,
    retryIntervalOverrides: options.retryIntervalOverrides,
    handlers: {
      build: (input) => track(runBuild(deps, runner, variablesOf(input))),
      invoke: (input) => {
        const payload = (input as { Payload: StepInput }).Payload;
        return track(
          handleStep(deps, payload, stepOptions).then((result) => ({
            Payload: result,
            StatusCode: 200,
          })),
        );
      },
      invokeWithCallback: (input) => {
        const payload = (input as { Payload: StepInput }).Payload;
        return track(handleStep(deps, { ...payload, step: 'awaitApproval' }, stepOptions));
      },
    },
    onEnd: async (runId, ended) => {
      logger('info', 'execution-ended', { runId, ok: ended.ok, error: ended.error?.Error });
      await finishExecution(deps, runId, ended);
    },
    onError: (error) => logger('error', 'execution-error', describeError(error)),
  });
  Object.assign(deps, {
    store,
    artifacts,
    orchestrator,
    builds: runner,
    logs: {
      readRunLogs: async (runId: string) => {
        const folder = path.join(paths.logs, runId);
        const names = await readdir(folder).catch(() => [] as string[]);
        return Promise.all(
          names.map(async (name) => ({
            name,
            text: await readFile(path.join(folder, name), 'utf8'),
            modifiedAt: (await stat(path.join(folder, name))).mtime,
          })),
        );
      },
      readEnvironmentLogs: (env: Environment) => readRuntimeLogs(options.home, env),
    },
    costSaver: createCostSaver(options.root, store),
    stopPlatform: (env: Environment) => stopRehearsal(options.root, options.home, env),
    loadEnvironment: loadEnv,
    preflight: async (phases: PhaseId[]) => runner.checkBuildspecs(phases),
    bundleDir: paths.bundles,
  } satisfies ControlDeps);

  const names = await listEnvironments(options.root);
  await recoverInterruptedRuns({ store, runner, environments: names, logger });

  const server = createServer((request, response) => {
    void serve(request, response, deps, token, logger);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  logger('info', 'service-started', { port, pid: process.pid, home: options.home });

  let closed: Promise<void> | undefined;
  const close = () => {
    closing.abort();
    closed ??= shutdown({
      server,
      orchestrator,
      runner,
      store,
      names,
      logger,
      dynamo,
      s3,
      inflight,
      clients: [dynamoClient, s3Client],
    });
    return closed;
  };
  return { port, url: `http://127.0.0.1:${port}`, token, deps, runner, orchestrator, close };
}

async function shutdown(parts: {
  server: Server;
  orchestrator: LocalOrchestrator;
  runner: LocalBuildRunner;
  store: Store;
  names: string[];
  logger: Logger;
  dynamo: LocalServer;
  s3: LocalServer | undefined;
  inflight: Set<Promise<unknown>>;
  clients: { destroy(): void }[];
}): Promise<void> {
  parts.logger('info', 'service-stopping', {});
  await new Promise<void>((resolve) => {
    parts.server.close(() => resolve());
    parts.server.closeAllConnections();
  });
  // Marks the runs interrupted before aborting their executions, because an
  // aborted execution would otherwise record its run as stopped and leave
  // the running phase behind. Recovery also kills the builds' process groups.
  await recoverInterruptedRuns({
    store: parts.store,
    runner: parts.runner,
    environments: parts.names,
    logger: parts.logger,
  });
  for (const buildId of parts.runner.activeBuilds()) {
    await parts.runner.stop(buildId);
  }
  for (const executionId of parts.orchestrator.running()) {
    await parts.orchestrator.stop(executionId);
  }
  // Task handlers still write to the store; wait for them, but not for ever.
  await Promise.race([Promise.allSettled([...parts.inflight]), sleep(SHUTDOWN_WAIT_MS)]);
  // The servers close first: each waits for the requests it is serving, and
  // dynalite closes its database only after them. Destroying the clients
  // first cut those requests off, so dynalite could close the database under
  // a handler still running and throw "Database is closed".
  await parts.s3?.close();
  await parts.dynamo.close();
  for (const client of parts.clients) {
    client.destroy();
  }
  parts.logger('info', 'service-stopped', {});
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(body);
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  deps: ControlDeps,
  token: string,
  logger: Logger,
): Promise<void> {
  try {
    if (!tokenMatches(request.headers.authorization, token)) {
      logger('warn', 'unauthorized-request', { path: request.url });
      send(
        response,
        401,
        JSON.stringify({
          error: {
            code: 'Unauthorized',
            message: 'missing or wrong token; the CLI reads it from .perfplane/token',
          },
        }),
      );
      return;
    }
    const body = await readBody(request);
    if (body === undefined) {
      send(
        response,
        413,
        JSON.stringify({
          error: {
            code: 'InvalidArgument',
            message: `request body is larger than ${MAX_BODY_BYTES} bytes`,
          },
        }),
      );
      return;
    }
    if (request.url === '/runtime/status') {
      send(
        response,
        200,
        JSON.stringify({ pid: process.pid, uptimeSeconds: Math.round(process.uptime()) }),
      );
      return;
    }
    const result = await handleApiRequest(
      deps,
      { method: request.method ?? 'GET', path: request.url ?? '/', body, headers: {} },
      (error) => logger('error', 'request-failed', { path: request.url, ...describeError(error) }),
    );
    send(response, result.status, result.body, result.headers);
  } catch (error) {
    logger('error', 'request-failed', { path: request.url, ...describeError(error) });
    if (!response.headersSent) {
      send(
        response,
        500,
        JSON.stringify({
          error: { code: 'Internal', message: 'internal error; see .perfplane/service.log' },
        }),
      );
    }
  }
}

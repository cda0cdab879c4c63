import { existsSync, readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { handleAlsAdmin, handleCentralLedger, handleOracle } from './admin-routes.js';
import { CallbackInbox, CallbackSender } from './callbacks.js';
import { FspiopError } from './fspiop-errors.js';
import { handleFspiop } from './fspiop-routes.js';
import { log, readJson, sendError, sendJson, sendText } from './http.js';
import { type Settings, Switch } from './hub.js';
import { Ledger, type LedgerState } from './ledger.js';
import { Metrics } from './metrics.js';
import { RequestValidator } from './schemas.js';
import { handleSdk } from './sdk-routes.js';

export interface SimulatorOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Ledger file loaded at start and written on stop and on POST /sim/save. */
  stateFile?: string;
  latencyMs?: number;
  errorRate?: number;
  /** Currency of the ledger summary and metrics. */
  currency?: string;
}

export interface Simulator {
  readonly url: string;
  readonly port: number;
  readonly ledger: Ledger;
  readonly settings: Settings;
  save(): Promise<void>;
  /** Stops taking requests, waits up to 5 s for transfers in flight, saves, closes. */
  stop(): Promise<void>;
}

/** Loopback only: the simulator is never reachable from another machine. */
const HOST = '127.0.0.1';

/** Maximum wait a GET /callbacks request may set, in milliseconds. */
const MAX_CALLBACK_WAIT_MS = 30_000;

function loadLedger(stateFile: string | undefined): Ledger {
  if (!stateFile || !existsSync(stateFile)) return new Ledger();
  try {
    return Ledger.fromState(JSON.parse(readFileSync(stateFile, 'utf8')) as LedgerState);
  } catch (error) {
    throw new Error(
      `invalid ledger file ${stateFile}: ${error instanceof Error ? error.message : String(error)}; restore a saved copy or delete it to start empty`,
      { cause: error },
    );
  }
}

function checkSettings(settings: Partial<Settings>): void {
  if (
    settings.latencyMs !== undefined &&
    !(settings.latencyMs >= 0 && settings.latencyMs <= 60_000)
  ) {
    throw new FspiopError('3100', `invalid latencyMs ${settings.latencyMs}: use 0 to 60000`);
  }
  if (settings.errorRate !== undefined && !(settings.errorRate >= 0 && settings.errorRate <= 1)) {
    throw new FspiopError('3100', `invalid errorRate ${settings.errorRate}: use 0 to 1`);
  }
}

/** Starts the simulator on 127.0.0.1 and resolves once it listens. */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const settings: Settings = {
    latencyMs: options.latencyMs ?? 0,
    errorRate: options.errorRate ?? 0,
  };
  checkSettings(settings);
  const currency = options.currency ?? 'USD';
  const ledger = loadLedger(options.stateFile);
  const metrics = new Metrics();
  const hub = new Switch(ledger, settings, metrics);
  const validator = RequestValidator.shared();
  const callbacks = new CallbackSender(metrics);
  const inbox = new CallbackInbox();
  let baseUrl = '';

  const save = async () => {
    if (options.stateFile) await ledger.save(options.stateFile);
  };

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', baseUrl);
    const [area, ...parts] = url.pathname.split('/').filter((part) => part.length > 0);
    metrics.countRequest(area ?? 'root');
    switch (area) {
      case 'health':
        return sendJson(response, 200, {
          status: 'OK',
          participants: ledger.participants.size,
          settings,
        });
      case 'metrics':
        return sendText(
          response,
          200,
          metrics.render(ledger.summary(currency).participants),
          'text/plain; version=0.0.4',
        );
      case 'admin':
        return handleCentralLedger(ledger, method, parts, request, response, `${baseUrl}/admin`);
      case 'als-admin':
        return handleAlsAdmin(ledger, method, parts, request, response, url.searchParams);
      case 'oracle':
        return handleOracle(ledger, method, parts, request, response);
      case 'fspiop':
        return handleFspiop(hub, validator, callbacks, method, parts, request, response);
      case 'sdk':
        return handleSdk(hub, validator, method, parts[0] ?? '', parts.slice(1), request, response);
      case 'callbacks':
        return handleInbox(method, parts, request, response, url.searchParams);
      case 'sim':
        return handleControl(method, parts, request, response, url.searchParams);
      default:
        throw new FspiopError('3002', `${method} ${url.pathname}`);
    }
  }

  async function handleInbox(
    method: string,
    parts: string[],
    request: IncomingMessage,
    response: ServerResponse,
    query: URLSearchParams,
  ): Promise<void> {
    const path = parts.join('/');
    if (method === 'PUT') {
      inbox.put(path, request.headers, await readJson(request));
      return sendJson(response, 200, undefined);
    }
    if (method === 'GET') {
      const waitMs = Math.min(Number(query.get('timeoutMs') ?? 10_000) || 0, MAX_CALLBACK_WAIT_MS);
      const callback = await inbox.take(path, waitMs);
      if (!callback) throw new FspiopError('3200', `no callback for ${path} within ${waitMs} ms`);
      return sendJson(response, 200, callback);
    }
    throw new FspiopError('3002', `${method} /callbacks/${path}`);
  }

  async function handleControl(
    method: string,
    parts: string[],
    request: IncomingMessage,
    response: ServerResponse,
    query: URLSearchParams,
  ): Promise<void> {
    const route = `${method} ${parts.join('/')}`;
    if (route === 'GET settings') return sendJson(response, 200, settings);
    if (route === 'PUT settings') {
      const body = (await readJson(request)) as Partial<Settings>;
      checkSettings(body);
      if (body.latencyMs !== undefined) settings.latencyMs = body.latencyMs;
      if (body.errorRate !== undefined) settings.errorRate = body.errorRate;
      log('settings_changed', { ...settings });
      return sendJson(response, 200, settings);
    }
    if (route === 'POST save') {
      await save();
      return sendJson(response, 200, { saved: options.stateFile ?? null });
    }
    if (route === 'GET ledger') {
      return sendJson(response, 200, {
        ...ledger.summary(query.get('currency') ?? currency),
        inFlight: hub.inFlight,
      });
    }
    throw new FspiopError('3002', `${method} /sim/${parts.join('/')}`);
  }

  const server = http.createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (!(error instanceof FspiopError))
        log('request_failed', { url: request.url, error: String(error) });
      if (!response.headersSent) sendError(response, error);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${HOST}:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      server.close();
      for (let waited = 0; hub.inFlight > 0 && waited < 5_000; waited += 50) await delay(50);
      server.closeAllConnections();
      callbacks.close();
      await save();
    })();
    return stopping;
  };

  return { url: baseUrl, port, ledger, settings, save, stop };
}

import http from 'node:http';
import { log } from './http.js';
import type { Metrics } from './metrics.js';

/** Hosts the simulator delivers callbacks to: it aims at nothing off this machine. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** Sends FSPIOP PUT callbacks to the endpoints participants registered. */
export class CallbackSender {
  private failures = 0;

  constructor(private readonly metrics: Metrics) {}

  /** Fills `{{name}}` placeholders of a registered endpoint template. */
  static expand(template: string, values: Record<string, string>): string {
    return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) =>
      encodeURIComponent(values[key] ?? ''),
    );
  }

  send(url: string, resource: string, source: string, destination: string, body: unknown): void {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      this.fail(url, 'invalid URL');
      return;
    }
    if (target.protocol !== 'http:' || !LOOPBACK_HOSTS.has(target.hostname)) {
      this.fail(url, 'only http callbacks to 127.0.0.1 or localhost are delivered');
      return;
    }
    const payload = JSON.stringify(body);
    const request = http.request(target, {
      method: 'PUT',
      agent,
      headers: {
        'content-type': `application/vnd.interoperability.${resource}+json;version=1.1`,
        'content-length': Buffer.byteLength(payload),
        date: new Date().toUTCString(),
        'fspiop-source': source,
        'fspiop-destination': destination,
      },
    });
    request.on('response', (response) => {
      response.resume();
      if ((response.statusCode ?? 500) >= 300) this.fail(url, `HTTP ${response.statusCode}`);
    });
    request.on('error', (error) => this.fail(url, error.message));
    request.end(payload);
  }

  close(): void {
    agent.destroy();
  }

  private fail(url: string, reason: string): void {
    this.metrics.callbacksFailed += 1;
    this.failures += 1;
    // Log the first ten failures, then every thousandth, so a dead endpoint cannot flood the log.
    if (this.failures <= 10 || this.failures % 1000 === 0) {
      log('callback_failed', { url, reason, failures: this.failures });
    }
  }
}

interface StoredCallback {
  outcome: 'success' | 'error';
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** Most callbacks kept for readers; the oldest are dropped first. */
const MAX_STORED = 100_000;

/**
 * Receives callbacks for DFSPs driven by a load generator that cannot take
 * HTTP requests itself (k6). PUT /callbacks/<dfsp>/<path> stores the
 * callback, and GET of the same path (without a trailing /error) waits for
 * it. Callbacks and readers of one path pair up first in, first out, so two
 * lookups of the same party each get one callback.
 */
export class CallbackInbox {
  private readonly stored = new Map<string, StoredCallback[]>();
  private readonly waiters = new Map<string, ((callback: StoredCallback) => void)[]>();
  private storedCount = 0;

  put(path: string, headers: StoredCallback['headers'], body: unknown): void {
    const isError = path.endsWith('/error');
    const key = isError ? path.slice(0, -'/error'.length) : path;
    const callback: StoredCallback = { outcome: isError ? 'error' : 'success', headers, body };
    const resolve = shift(this.waiters, key);
    if (resolve) {
      resolve(callback);
      return;
    }
    if (this.storedCount >= MAX_STORED) {
      const oldest = this.stored.keys().next();
      if (!oldest.done && shift(this.stored, oldest.value)) this.storedCount -= 1;
    }
    const queue = this.stored.get(key) ?? [];
    queue.push(callback);
    this.stored.set(key, queue);
    this.storedCount += 1;
  }

  /** Returns and removes the oldest callback for `path`, waiting up to `timeoutMs`; undefined on timeout. */
  take(path: string, timeoutMs: number): Promise<StoredCallback | undefined> {
    const found = shift(this.stored, path);
    if (found) {
      this.storedCount -= 1;
      return Promise.resolve(found);
    }
    return new Promise((resolve) => {
      const onArrival = (callback: StoredCallback) => {
        clearTimeout(timer);
        resolve(callback);
      };
      const timer = setTimeout(() => {
        const rest = (this.waiters.get(path) ?? []).filter((entry) => entry !== onArrival);
        if (rest.length > 0) this.waiters.set(path, rest);
        else this.waiters.delete(path);
        resolve(undefined);
      }, timeoutMs);
      const queue = this.waiters.get(path) ?? [];
      queue.push(onArrival);
      this.waiters.set(path, queue);
    });
  }
}

/** Removes and returns the first entry of the queue at `key`, deleting an emptied queue. */
function shift<T>(queues: Map<string, T[]>, key: string): T | undefined {
  const queue = queues.get(key);
  if (!queue) return undefined;
  const first = queue.shift();
  if (queue.length === 0) queues.delete(key);
  return first;
}

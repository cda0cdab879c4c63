/**
 * Settings of the k6 scripts, read once from environment variables (k6 -e
 * NAME=value or the process environment). JSON values are parsed and
 * checked here, so a bad value fails at start with the variable named.
 */

export type TransferApi = 'sdk-outbound' | 'fspiop';

export interface Stage {
  name: string;
  /** Arrival rate, in transfers a second. */
  rate: number;
  /** A k6 duration such as "30s". */
  duration: string;
  preAllocatedVUs?: number;
  maxVUs?: number;
}

export interface Dfsp {
  id: string;
  msisdnPrefix: string;
}

export interface Pair {
  payer: string;
  payee: string;
  weight: number;
}

export interface Config {
  transferApi: TransferApi;
  /** SDK outbound base URL per payer, `{dfsp}` replaced by the DFSP id. */
  sdkUrlTemplate: string;
  fspiopUrl: string;
  /** Callback inbox URL of a DFSP, with `{dfsp}` replaced by its id. */
  callbackUrlTemplate: string;
  /** Maximum wait for one FSPIOP callback, in milliseconds. */
  callbackTimeoutMs: number;
  dfsps: Dfsp[];
  pairs: Pair[];
  partiesPerDfsp: number;
  currency: string;
  amount: string;
  p95Ms: number;
  maxErrorRate: number;
}

function fail(name: string, value: string, expected: string): never {
  throw new Error(`invalid ${name}=${value}: expected ${expected}`);
}

function text(name: string, fallback?: string): string {
  const value = __ENV[name];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  throw new Error(`missing environment variable ${name}`);
}

function positiveNumber(name: string, fallback: number): number {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value >= 0)) fail(name, raw, 'a number of 0 or more');
  return value;
}

function json<T>(name: string, fallback?: T): T {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') {
    if (fallback !== undefined) return fallback;
    throw new Error(`missing environment variable ${name} (JSON)`);
  }
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fail(name, raw, 'JSON');
  }
}

/** Rehearsal DFSPs, used when DFSPS is not set. */
const DEFAULT_DFSPS: Dfsp[] = [
  { id: 'payerfsp1', msisdnPrefix: '2551' },
  { id: 'payerfsp2', msisdnPrefix: '2552' },
  { id: 'payerfsp3', msisdnPrefix: '2553' },
  { id: 'payerfsp4', msisdnPrefix: '2554' },
  { id: 'payeefsp1', msisdnPrefix: '2561' },
  { id: 'payeefsp2', msisdnPrefix: '2562' },
  { id: 'payeefsp3', msisdnPrefix: '2563' },
  { id: 'payeefsp4', msisdnPrefix: '2564' },
];

/**
 * Pairs of equal weight: DFSPs named payer* send to DFSPs named payee*. When
 * no DFSP is named so, every DFSP sends to every other.
 */
export function defaultPairs(dfsps: Dfsp[]): Pair[] {
  const payers = dfsps.filter((d) => d.id.includes('payer'));
  const payees = dfsps.filter((d) => d.id.includes('payee'));
  const from = payers.length > 0 ? payers : dfsps;
  const to = payees.length > 0 ? payees : dfsps;
  const pairs: Pair[] = [];
  for (const payer of from) {
    for (const payee of to) {
      if (payer.id !== payee.id) pairs.push({ payer: payer.id, payee: payee.id, weight: 1 });
    }
  }
  return pairs;
}

export function loadConfig(): Config {
  const baseUrl = text('BASE_URL', 'http://127.0.0.1:18080').replace(/\/$/, '');
  const transferApi = text('TRANSFER_API', 'sdk-outbound');
  if (transferApi !== 'sdk-outbound' && transferApi !== 'fspiop') {
    fail('TRANSFER_API', transferApi, 'sdk-outbound or fspiop');
  }
  const dfsps = json<Dfsp[]>('DFSPS', DEFAULT_DFSPS);
  if (
    !Array.isArray(dfsps) ||
    dfsps.length < 2 ||
    dfsps.some((d) => !d.id || !/^\d+$/.test(d.msisdnPrefix))
  ) {
    fail('DFSPS', JSON.stringify(dfsps), 'a JSON array of at least 2 {"id","msisdnPrefix"}');
  }
  const pairs = json<Pair[]>('PAIRS', defaultPairs(dfsps));
  const known = new Set(dfsps.map((d) => d.id));
  for (const pair of pairs) {
    if (!known.has(pair.payer) || !known.has(pair.payee) || !(pair.weight > 0)) {
      fail('PAIRS', JSON.stringify(pair), 'payer and payee among DFSPS and a weight above 0');
    }
  }
  if (pairs.length === 0) fail('PAIRS', '[]', 'at least one pair');
  return {
    transferApi,
    sdkUrlTemplate: text('SDK_URL_TEMPLATE', `${baseUrl}/sdk/{dfsp}`),
    fspiopUrl: text('FSPIOP_URL', `${baseUrl}/fspiop`),
    callbackUrlTemplate: text('CALLBACK_URL_TEMPLATE', `${baseUrl}/callbacks/{dfsp}`),
    callbackTimeoutMs: positiveNumber('CALLBACK_TIMEOUT_MS', 10_000),
    dfsps,
    pairs,
    partiesPerDfsp: positiveNumber('PARTIES_PER_DFSP', 10),
    currency: text('CURRENCY', 'USD'),
    amount: text('AMOUNT', '1'),
    p95Ms: positiveNumber('P95_MS', 500),
    maxErrorRate: positiveNumber('MAX_ERROR_RATE', 0.01),
  };
}

/** Reads the load stages from STAGES (JSON), or a single stage from RATE and DURATION. */
export function loadStages(): Stage[] {
  const stages = json<Stage[]>('STAGES', [
    { name: 'constant', rate: positiveNumber('RATE', 5), duration: text('DURATION', '10s') },
  ]);
  if (!Array.isArray(stages) || stages.length === 0)
    fail('STAGES', JSON.stringify(stages), 'a non-empty JSON array');
  for (const stage of stages) {
    if (!stage.name || !(stage.rate > 0) || !/^\d+(ms|s|m|h)$/.test(stage.duration)) {
      fail('STAGES', JSON.stringify(stage), '{"name","rate" > 0,"duration" like "30s"}');
    }
  }
  return stages;
}

/** Converts a k6 duration ("500ms", "30s", "10m", "1h") to seconds. */
export function durationSeconds(duration: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(duration);
  if (!match) return fail('duration', duration, 'a k6 duration like "30s"');
  const value = Number(match[1]);
  const unit = match[2];
  if (unit === 'ms') return value / 1000;
  if (unit === 'm') return value * 60;
  if (unit === 'h') return value * 3600;
  return value;
}

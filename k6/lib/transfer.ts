import { check } from 'k6';
import { randomBytes } from 'k6/crypto';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Config, Pair } from './config.ts';

/** Transfers committed end to end. */
export const transfersCompleted = new Counter('transfers_completed');
/** Transfers that failed at any stage. */
export const transfersFailed = new Counter('transfers_failed');
/** Share of transfers that failed, for the error-rate threshold. */
export const transferErrors = new Rate('transfer_errors');
export const partyLookupDuration = new Trend('party_lookup_duration', true);
export const quoteDuration = new Trend('quote_duration', true);
export const transferDuration = new Trend('transfer_duration', true);
export const transferE2eDuration = new Trend('transfer_e2e_duration', true);

/** A version 4 UUID from k6's random bytes. */
export function uuid(): string {
  const bytes = new Uint8Array(randomBytes(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** MSISDN of a DFSP's `index`-th party, as onboarding registers it. */
export function msisdnFor(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(6, '0')}`;
}

export function pickPair(pairs: Pair[]): Pair {
  const total = pairs.reduce((sum, pair) => sum + pair.weight, 0);
  let point = Math.random() * total;
  for (const pair of pairs) {
    point -= pair.weight;
    if (point < 0) return pair;
  }
  return pairs[pairs.length - 1] as Pair;
}

interface TransferPlan {
  payer: string;
  payee: string;
  payerMsisdn: string;
  payeeMsisdn: string;
}

function planTransfer(config: Config): TransferPlan {
  const pair = pickPair(config.pairs);
  const prefix = (id: string) => config.dfsps.find((d) => d.id === id)?.msisdnPrefix ?? '';
  const party = () => 1 + Math.floor(Math.random() * config.partiesPerDfsp);
  return {
    payer: pair.payer,
    payee: pair.payee,
    payerMsisdn: msisdnFor(prefix(pair.payer), party()),
    payeeMsisdn: msisdnFor(prefix(pair.payee), party()),
  };
}

function quoteRequest(config: Config, plan: TransferPlan) {
  return {
    quoteId: uuid(),
    transactionId: uuid(),
    payee: {
      partyIdInfo: { partyIdType: 'MSISDN', partyIdentifier: plan.payeeMsisdn, fspId: plan.payee },
    },
    payer: {
      partyIdInfo: { partyIdType: 'MSISDN', partyIdentifier: plan.payerMsisdn, fspId: plan.payer },
    },
    amountType: 'SEND',
    amount: { currency: config.currency, amount: config.amount },
    transactionType: { scenario: 'TRANSFER', initiator: 'PAYER', initiatorType: 'CONSUMER' },
  };
}

function transferRequest(
  config: Config,
  plan: TransferPlan,
  quote: { ilpPacket: string; condition: string },
) {
  return {
    transferId: uuid(),
    payerFsp: plan.payer,
    payeeFsp: plan.payee,
    amount: { currency: config.currency, amount: config.amount },
    ilpPacket: quote.ilpPacket,
    condition: quote.condition,
    expiration: new Date(Date.now() + 60_000).toISOString(),
  };
}

function finish(ok: boolean, started: number, stage: string, tags: Record<string, string>): void {
  const outcome = { ...tags, failed_stage: ok ? 'none' : stage };
  transferErrors.add(!ok, outcome);
  if (ok) {
    transfersCompleted.add(1, tags);
    transferE2eDuration.add(Date.now() - started, tags);
  } else {
    transfersFailed.add(1, outcome);
  }
}

function body<T>(response: RefinedResponse<ResponseType | undefined>): T | undefined {
  try {
    return response.json() as T;
  } catch {
    return undefined;
  }
}

const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

/**
 * Runs one transfer through the payer's synchronous SDK outbound API: party
 * lookup, quote, transfer. Returns true when it was committed.
 */
export function sdkTransfer(config: Config): boolean {
  const plan = planTransfer(config);
  const tags = { payer: plan.payer, payee: plan.payee };
  const base = config.sdkUrlTemplate.replace('{dfsp}', plan.payer);
  const started = Date.now();

  const lookup = http.get(`${base}/parties/MSISDN/${plan.payeeMsisdn}`, {
    headers: JSON_HEADERS,
    tags: { ...tags, name: 'sdk_party_lookup' },
  });
  partyLookupDuration.add(lookup.timings.duration, tags);
  if (!check(lookup, { 'party lookup 200': (r) => r.status === 200 })) {
    finish(false, started, 'party_lookup', tags);
    return false;
  }

  const quote = http.post(
    `${base}/quotes`,
    JSON.stringify({ fspId: plan.payee, quotesPostRequest: quoteRequest(config, plan) }),
    { headers: JSON_HEADERS, tags: { ...tags, name: 'sdk_quote' } },
  );
  quoteDuration.add(quote.timings.duration, tags);
  const quoteBody = body<{ quotes?: { body?: { ilpPacket: string; condition: string } } }>(quote)
    ?.quotes?.body;
  if (
    !check(quote, { 'quote 200': (r) => r.status === 200 && quoteBody !== undefined }) ||
    !quoteBody
  ) {
    finish(false, started, 'quote', tags);
    return false;
  }

  const transfer = http.post(
    `${base}/simpleTransfers`,
    JSON.stringify({
      fspId: plan.payee,
      transfersPostRequest: transferRequest(config, plan, quoteBody),
    }),
    { headers: JSON_HEADERS, tags: { ...tags, name: 'sdk_transfer' } },
  );
  transferDuration.add(transfer.timings.duration, tags);
  const state = body<{ transfer?: { body?: { transferState?: string } } }>(transfer)?.transfer?.body
    ?.transferState;
  const committed = check(transfer, {
    'transfer committed': (r) => r.status === 200 && state === 'COMMITTED',
  });
  finish(committed, started, 'transfer', tags);
  return committed;
}

function fspiopHeaders(
  resource: string,
  source: string,
  destination?: string,
): Record<string, string> {
  const type = `application/vnd.interoperability.${resource}+json;version=1.1`;
  const headers: Record<string, string> = {
    'Content-Type': type,
    Accept: type,
    Date: new Date().toUTCString(),
    'FSPIOP-Source': source,
  };
  if (destination) headers['FSPIOP-Destination'] = destination;
  return headers;
}

/** Waits for the callback the hub sends to `payer` for `path`; returns its body when it is a success. */
function awaitCallback(config: Config, payer: string, path: string, name: string): unknown {
  const base = config.callbackUrlTemplate.replace('{dfsp}', payer);
  const response = http.get(`${base}/${path}?timeoutMs=${config.callbackTimeoutMs}`, {
    tags: { name },
    timeout: `${config.callbackTimeoutMs + 5000}ms`,
  });
  const callback = body<{ outcome?: string; body?: unknown }>(response);
  return response.status === 200 && callback?.outcome === 'success' ? callback.body : undefined;
}

/**
 * Runs one transfer through the hub's FSPIOP API as the payer DFSP. Each
 * request returns 202, and its stage ends when the PUT callback arrives.
 */
export function fspiopTransfer(config: Config): boolean {
  const plan = planTransfer(config);
  const tags = { payer: plan.payer, payee: plan.payee };
  const started = Date.now();

  let stageStart = Date.now();
  const lookup = http.get(`${config.fspiopUrl}/parties/MSISDN/${plan.payeeMsisdn}`, {
    headers: fspiopHeaders('parties', plan.payer),
    tags: { ...tags, name: 'fspiop_party_lookup' },
  });
  const party =
    lookup.status === 202
      ? awaitCallback(config, plan.payer, `parties/MSISDN/${plan.payeeMsisdn}`, 'callback_party')
      : undefined;
  partyLookupDuration.add(Date.now() - stageStart, tags);
  if (!check(lookup, { 'party lookup called back': () => party !== undefined })) {
    finish(false, started, 'party_lookup', tags);
    return false;
  }

  stageStart = Date.now();
  const quoteBody = quoteRequest(config, plan);
  const quoteResponse = http.post(`${config.fspiopUrl}/quotes`, JSON.stringify(quoteBody), {
    headers: fspiopHeaders('quotes', plan.payer, plan.payee),
    tags: { ...tags, name: 'fspiop_quote' },
  });
  const quote =
    quoteResponse.status === 202
      ? (awaitCallback(config, plan.payer, `quotes/${quoteBody.quoteId}`, 'callback_quote') as
          | { ilpPacket: string; condition: string }
          | undefined)
      : undefined;
  quoteDuration.add(Date.now() - stageStart, tags);
  if (!check(quoteResponse, { 'quote called back': () => quote !== undefined }) || !quote) {
    finish(false, started, 'quote', tags);
    return false;
  }

  stageStart = Date.now();
  const transferBody = transferRequest(config, plan, quote);
  const transferResponse = http.post(
    `${config.fspiopUrl}/transfers`,
    JSON.stringify(transferBody),
    {
      headers: fspiopHeaders('transfers', plan.payer, plan.payee),
      tags: { ...tags, name: 'fspiop_transfer' },
    },
  );
  const result =
    transferResponse.status === 202
      ? (awaitCallback(
          config,
          plan.payer,
          `transfers/${transferBody.transferId}`,
          'callback_transfer',
        ) as { transferState?: string } | undefined)
      : undefined;
  transferDuration.add(Date.now() - stageStart, tags);
  const committed = check(transferResponse, {
    'transfer committed': () => result?.transferState === 'COMMITTED',
  });
  finish(committed, started, 'transfer', tags);
  return committed;
}

export function runTransfer(config: Config): boolean {
  return config.transferApi === 'fspiop' ? fspiopTransfer(config) : sdkTransfer(config);
}

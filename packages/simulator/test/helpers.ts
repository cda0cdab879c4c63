import { randomUUID } from 'node:crypto';
import { type Simulator, startSimulator } from '../src/server.js';

export interface Party {
  dfsp: string;
  msisdn: string;
}

export const PAYER: Party = { dfsp: 'payerfsp', msisdn: '25510000001' };
export const PAYEE: Party = { dfsp: 'payeefsp', msisdn: '25610000001' };

async function call(url: string, method: string, body?: unknown): Promise<Response> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status >= 300)
    throw new Error(`${method} ${url}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

/**
 * Starts a simulator on a free port with a payer and a payee onboarded
 * through the admin API, callbacks pointing at its own inbox.
 */
export async function startOnboarded(
  options: { netDebitCap?: number; funds?: number; stateFile?: string } = {},
): Promise<Simulator> {
  const simulator = await startSimulator({ port: 0, stateFile: options.stateFile });
  const admin = `${simulator.url}/admin`;
  await call(`${admin}/participants/Hub/accounts`, 'POST', {
    type: 'HUB_MULTILATERAL_SETTLEMENT',
    currency: 'USD',
  });
  await call(`${admin}/participants/Hub/accounts`, 'POST', {
    type: 'HUB_RECONCILIATION',
    currency: 'USD',
  });
  await call(`${simulator.url}/als-admin/oracles`, 'POST', {
    oracleIdType: 'MSISDN',
    endpoint: { value: `${simulator.url}/oracle`, endpointType: 'URL' },
    isDefault: true,
  });
  for (const party of [PAYER, PAYEE]) {
    await call(`${admin}/participants`, 'POST', { name: party.dfsp, currency: 'USD' });
    await call(`${admin}/participants/${party.dfsp}/initialPositionAndLimits`, 'POST', {
      currency: 'USD',
      limit: { type: 'NET_DEBIT_CAP', value: options.netDebitCap ?? 1000 },
      initialPosition: 0,
    });
    const accounts = (await (
      await call(`${admin}/participants/${party.dfsp}/accounts`, 'GET')
    ).json()) as {
      id: number;
      ledgerAccountType: string;
    }[];
    const settlement = accounts.find((a) => a.ledgerAccountType === 'SETTLEMENT');
    await call(`${admin}/participants/${party.dfsp}/accounts/${settlement?.id}`, 'POST', {
      transferId: randomUUID(),
      externalReference: 'test',
      action: 'recordFundsIn',
      reason: 'test',
      amount: { amount: String(options.funds ?? 1000), currency: 'USD' },
    });
    const base = `${simulator.url}/callbacks/${party.dfsp}`;
    const endpoints: Record<string, string> = {
      FSPIOP_CALLBACK_URL_PARTIES_PUT: `${base}/parties/{{partyIdType}}/{{partyIdentifier}}`,
      FSPIOP_CALLBACK_URL_PARTIES_PUT_ERROR: `${base}/parties/{{partyIdType}}/{{partyIdentifier}}/error`,
      FSPIOP_CALLBACK_URL_QUOTES: base,
      FSPIOP_CALLBACK_URL_TRANSFER_PUT: `${base}/transfers/{{transferId}}`,
      FSPIOP_CALLBACK_URL_TRANSFER_ERROR: `${base}/transfers/{{transferId}}/error`,
    };
    for (const [type, value] of Object.entries(endpoints)) {
      await call(`${admin}/participants/${party.dfsp}/endpoints`, 'POST', { type, value });
    }
    await call(`${simulator.url}/oracle/participants/MSISDN/${party.msisdn}`, 'POST', {
      fspId: party.dfsp,
      currency: 'USD',
    });
  }
  return simulator;
}

/** FSPIOP headers of a request from `source` about `resource`. */
export function fspiopHeaders(
  resource: string,
  source: string,
  destination?: string,
): Record<string, string> {
  const type = `application/vnd.interoperability.${resource}+json;version=1.1`;
  const headers: Record<string, string> = {
    'content-type': type,
    accept: type,
    date: new Date().toUTCString(),
    'fspiop-source': source,
  };
  if (destination) headers['fspiop-destination'] = destination;
  return headers;
}

export function quoteRequest(amount = '10') {
  return {
    quoteId: randomUUID(),
    transactionId: randomUUID(),
    payee: {
      partyIdInfo: { partyIdType: 'MSISDN', partyIdentifier: PAYEE.msisdn, fspId: PAYEE.dfsp },
    },
    payer: {
      partyIdInfo: { partyIdType: 'MSISDN', partyIdentifier: PAYER.msisdn, fspId: PAYER.dfsp },
    },
    amountType: 'SEND',
    amount: { currency: 'USD', amount },
    transactionType: { scenario: 'TRANSFER', initiator: 'PAYER', initiatorType: 'CONSUMER' },
  };
}

export function transferRequest(quote: { ilpPacket: string; condition: string }, amount = '10') {
  return {
    transferId: randomUUID(),
    payerFsp: PAYER.dfsp,
    payeeFsp: PAYEE.dfsp,
    amount: { currency: 'USD', amount },
    ilpPacket: quote.ilpPacket,
    condition: quote.condition,
    expiration: new Date(Date.now() + 60_000).toISOString(),
  };
}

/** Reads the callback the simulator sent to `dfsp` for `path`, waiting up to 5 s. */
export async function takeCallback(
  simulator: Simulator,
  dfsp: string,
  path: string,
): Promise<{ outcome: string; body: Record<string, unknown>; headers: Record<string, string> }> {
  const response = await fetch(`${simulator.url}/callbacks/${dfsp}/${path}?timeoutMs=5000`);
  if (response.status !== 200) throw new Error(`no callback for ${path}: HTTP ${response.status}`);
  return (await response.json()) as {
    outcome: string;
    body: Record<string, unknown>;
    headers: Record<string, string>;
  };
}

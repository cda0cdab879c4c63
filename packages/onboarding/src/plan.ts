import { createHash } from 'node:crypto';
import type { Environment } from '@perfplane/core';

/** Callback endpoint types every DFSP registers, with their path under the DFSP's callback base URL. */
export const CALLBACK_ENDPOINTS: Record<string, string> = {
  FSPIOP_CALLBACK_URL_PARTIES_GET: '/parties/{{partyIdType}}/{{partyIdentifier}}',
  FSPIOP_CALLBACK_URL_PARTIES_PUT: '/parties/{{partyIdType}}/{{partyIdentifier}}',
  FSPIOP_CALLBACK_URL_PARTIES_PUT_ERROR: '/parties/{{partyIdType}}/{{partyIdentifier}}/error',
  FSPIOP_CALLBACK_URL_PARTICIPANT_PUT: '/participants/{{partyIdType}}/{{partyIdentifier}}',
  FSPIOP_CALLBACK_URL_PARTICIPANT_PUT_ERROR:
    '/participants/{{partyIdType}}/{{partyIdentifier}}/error',
  FSPIOP_CALLBACK_URL_QUOTES: '',
  FSPIOP_CALLBACK_URL_TRANSFER_POST: '/transfers',
  FSPIOP_CALLBACK_URL_TRANSFER_PUT: '/transfers/{{transferId}}',
  FSPIOP_CALLBACK_URL_TRANSFER_ERROR: '/transfers/{{transferId}}/error',
};

/** Name of the hub participant in central-ledger's default configuration. */
export const HUB_PARTICIPANT = 'Hub';

export const HUB_ACCOUNT_TYPES = ['HUB_MULTILATERAL_SETTLEMENT', 'HUB_RECONCILIATION'] as const;

/** Parties registered per DFSP when no count is given; the k6 scripts pick payees among them. */
export const DEFAULT_PARTIES_PER_DFSP = 10;

/**
 * Returns the MSISDN of a DFSP's `index`-th party (1-based): the DFSP's
 * prefix followed by the index on 6 digits. The k6 scripts build the same numbers.
 */
export function msisdnFor(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(6, '0')}`;
}

/** Settlement model the hub gets: deferred multilateral net settlement of positions. */
export function settlementModel(currency: string) {
  return {
    name: `DEFERREDNET${currency}`,
    settlementGranularity: 'NET',
    settlementInterchange: 'MULTILATERAL',
    settlementDelay: 'DEFERRED',
    requireLiquidityCheck: true,
    ledgerAccountType: 'POSITION',
    autoPositionReset: true,
    currency,
    settlementAccountType: 'SETTLEMENT',
  };
}

/** Callback endpoints of one DFSP, from a base URL template containing `{dfsp}`. */
export function callbackEndpoints(template: string, dfsp: string): Record<string, string> {
  const base = template.replaceAll('{dfsp}', dfsp).replace(/\/$/, '');
  return Object.fromEntries(
    Object.entries(CALLBACK_ENDPOINTS).map(([type, suffix]) => [type, `${base}${suffix}`]),
  );
}

/**
 * Derives a UUID-shaped id from its parts, so a retried funds-in carries the
 * same transferId and a hub that remembers transfer ids applies it once.
 */
export function deterministicId(...parts: (string | number)[]): string {
  const hex = createHash('sha256').update(parts.join('|')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export type Dfsp = Environment['dfsps'][number];

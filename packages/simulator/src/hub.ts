import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { FspiopError } from './fspiop-errors.js';
import { HUB_NAME, type Ledger, type Participant, toUnits } from './ledger.js';
import type { Metrics } from './metrics.js';

/** Behaviour that can change while the simulator runs. */
export interface Settings {
  /** Added latency per stage (party lookup, quote, transfer), in milliseconds. */
  latencyMs: number;
  /** Share of transfers the simulated payee rejects with FSPIOP error 5000, 0 to 1. */
  errorRate: number;
}

export interface PartyIdInfo {
  partyIdType: string;
  partyIdentifier: string;
  fspId?: string;
}

export interface Money {
  currency: string;
  amount: string;
}

export interface QuotesPostRequest {
  quoteId: string;
  transactionId: string;
  payee: { partyIdInfo: PartyIdInfo };
  payer: { partyIdInfo: PartyIdInfo };
  amountType: string;
  amount: Money;
  transactionType: Record<string, unknown>;
}

export interface TransfersPostRequest {
  transferId: string;
  payeeFsp: string;
  payerFsp: string;
  amount: Money;
  ilpPacket: string;
  condition: string;
  expiration: string;
}

export interface TransferResult {
  fulfilment: string;
  completedTimestamp: string;
  transferState: 'COMMITTED';
}

/** Most conditions and finished transfers remembered; the oldest are dropped first. */
const MAX_REMEMBERED = 200_000;

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= MAX_REMEMBERED) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}

/**
 * The hub and the payee DFSP backends of the simulator: party lookup through
 * the oracle, quotes returned by the payee, and transfers reserved, fulfilled
 * by the payee and committed on the ledger.
 */
export class Switch {
  /** Fulfilment of each condition issued in a quote, keyed by condition. */
  private readonly fulfilments = new Map<string, string>();
  private readonly finished = new Map<string, TransferResult>();
  private readonly secret = randomBytes(16);
  inFlight = 0;

  constructor(
    readonly ledger: Ledger,
    readonly settings: Settings,
    readonly metrics: Metrics,
  ) {}

  activeDfsp(name: string, code: '3201' | '3202' = '3201'): Participant {
    const participant = this.ledger.participants.get(name);
    if (!participant || participant.name === HUB_NAME || participant.isActive !== 1) {
      throw new FspiopError(code, `FSP "${name}" is not an active participant of this hub`);
    }
    return participant;
  }

  /** Looks a party up through the oracle; the payee DFSP returns its details. */
  async lookupParty(type: string, id: string): Promise<{ partyIdInfo: PartyIdInfo; name: string }> {
    const started = performance.now();
    if (!this.ledger.oracles.some((o) => o.oracleIdType === type)) {
      throw new FspiopError('3200', `no oracle registered for party type ${type}`);
    }
    const record = this.ledger.parties.get(`${type}/${id}`);
    if (!record) throw new FspiopError('3204', `${type} ${id} is not registered`);
    this.activeDfsp(record.fspId);
    await this.addLatency();
    this.metrics.observe('party_lookup', (performance.now() - started) / 1000);
    return {
      partyIdInfo: { partyIdType: type, partyIdentifier: id, fspId: record.fspId },
      name: `Party ${id}`,
    };
  }

  /** Returns the payee's quote: the amount, an ILP packet and its condition. */
  async quote(payerFsp: string, payeeFsp: string, request: QuotesPostRequest) {
    const started = performance.now();
    this.activeDfsp(payerFsp, '3202');
    this.activeDfsp(payeeFsp);
    const fulfilmentBytes = createHash('sha256')
      .update(this.secret)
      .update(request.transactionId)
      .digest();
    const condition = base64url(createHash('sha256').update(fulfilmentBytes).digest());
    remember(this.fulfilments, condition, base64url(fulfilmentBytes));
    const ilpPacket = Buffer.from(
      JSON.stringify({
        amount: request.amount.amount,
        account: `g.perfplane.${payeeFsp}.${request.payee.partyIdInfo.partyIdentifier}`,
        transactionId: request.transactionId,
        quoteId: request.quoteId,
      }),
    ).toString('base64url');
    await this.addLatency();
    this.metrics.observe('quote', (performance.now() - started) / 1000);
    return {
      transferAmount: request.amount,
      payeeReceiveAmount: request.amount,
      expiration: new Date(Date.now() + 60_000).toISOString(),
      ilpPacket,
      condition,
    };
  }

  /**
   * Runs a transfer: reserve on the payer's position, the payee fulfils (or
   * rejects, when error injection picks it), then commit. Throws FspiopError.
   */
  async transfer(request: TransfersPostRequest): Promise<TransferResult> {
    const done = this.finished.get(request.transferId);
    if (done) return done;
    const started = performance.now();
    const payer = this.activeDfsp(request.payerFsp, '3202');
    const payee = this.activeDfsp(request.payeeFsp);
    if (Date.parse(request.expiration) <= Date.now()) {
      throw this.rejected(
        new FspiopError('3300', `transfer ${request.transferId} expired at ${request.expiration}`),
      );
    }
    const units = toUnits(request.amount.amount);
    const currency = request.amount.currency;
    try {
      this.ledger.reserve(payer, currency, units);
    } catch (error) {
      throw this.rejected(error);
    }
    this.inFlight += 1;
    try {
      await this.addLatency();
      const fulfilment = this.fulfilments.get(request.condition);
      if (!fulfilment) {
        throw new FspiopError(
          '5000',
          `payee ${payee.name} issued no quote with condition ${request.condition}`,
        );
      }
      if (this.settings.errorRate > 0 && Math.random() < this.settings.errorRate) {
        throw new FspiopError('5000', `payee ${payee.name} rejected the transfer (injected error)`);
      }
      this.ledger.commit(payer, payee, currency, units);
      this.fulfilments.delete(request.condition);
      const result: TransferResult = {
        fulfilment,
        completedTimestamp: new Date().toISOString(),
        transferState: 'COMMITTED',
      };
      remember(this.finished, request.transferId, result);
      this.metrics.transfersCommitted += 1;
      this.metrics.observe('transfer', (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      this.ledger.abort(payer, currency, units);
      throw this.rejected(error);
    } finally {
      this.inFlight -= 1;
    }
  }

  private rejected(error: unknown): unknown {
    this.metrics.reject(error instanceof FspiopError ? error.code : '2001');
    return error;
  }

  private async addLatency(): Promise<void> {
    if (this.settings.latencyMs > 0) await delay(this.settings.latencyMs);
  }
}

import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FspiopError } from './fspiop-errors.js';

/**
 * Ledger of the hub: participants, their accounts, limits and callback
 * endpoints, settlement models, oracles and registered parties.
 *
 * Amounts are integers in units of 1/10,000 of the currency, so sums are exact.
 *
 * Invariants, checked by tests and shown on GET /sim/ledger:
 * - every funds-in moves the same amount from HUB_RECONCILIATION to the
 *   DFSP's SETTLEMENT account, so the settlement and reconciliation accounts
 *   of a currency always sum to zero;
 * - a transfer raises the payer's POSITION when it is reserved and lowers the
 *   payee's POSITION by the same amount when it commits. An abort undoes the
 *   reservation. So the DFSP positions sum to the amount reserved by transfers
 *   in flight, which is zero whenever no transfer is in flight.
 */

export const HUB_NAME = 'Hub';
export const AMOUNT_SCALE = 10_000;

export type LedgerAccountType =
  | 'POSITION'
  | 'SETTLEMENT'
  | 'HUB_MULTILATERAL_SETTLEMENT'
  | 'HUB_RECONCILIATION';

export interface Account {
  id: number;
  ledgerAccountType: LedgerAccountType;
  currency: string;
  isActive: number;
  /** Balance in 1/10,000 units: positive means the participant owes the hub. */
  value: number;
  /** Part of `value` held by transfers in flight. */
  reservedValue: number;
  createdDate: string;
}

export interface Limit {
  currency: string;
  type: 'NET_DEBIT_CAP';
  /** In 1/10,000 units. */
  value: number;
  alarmPercentage: number;
}

export interface Participant {
  name: string;
  created: string;
  isActive: number;
  currencies: string[];
  accounts: Account[];
  limits: Limit[];
  initialPositionSet: string[];
  endpoints: Record<string, string>;
  fundsInTransferIds: string[];
}

export interface SettlementModel {
  name: string;
  settlementGranularity: string;
  settlementInterchange: string;
  settlementDelay: string;
  currency?: string;
  requireLiquidityCheck: boolean;
  ledgerAccountType: string;
  settlementAccountType?: string;
  autoPositionReset: boolean;
}

export interface Oracle {
  oracleId: string;
  oracleIdType: string;
  endpoint: { value: string; endpointType: string };
  currency?: string;
  isDefault: boolean;
}

export interface PartyRecord {
  fspId: string;
  currency?: string;
}

/** The persisted form of a ledger. */
export interface LedgerState {
  version: 1;
  savedAt: string;
  nextAccountId: number;
  participants: Participant[];
  settlementModels: SettlementModel[];
  oracles: Oracle[];
  parties: Record<string, PartyRecord>;
}

const AMOUNT_PATTERN = /^([0]|([1-9][0-9]{0,17}))([.][0-9]{0,3}[1-9])?$/;

/** Converts an FSPIOP Amount string or a number to 1/10,000 units. */
export function toUnits(amount: string | number): number {
  const text = typeof amount === 'number' ? String(amount) : amount;
  if (typeof amount === 'number' ? !(amount >= 0) : !AMOUNT_PATTERN.test(text)) {
    throw new FspiopError('3100', `invalid amount "${text}"`);
  }
  return Math.round(Number(text) * AMOUNT_SCALE);
}

/** Converts 1/10,000 units to a decimal number. */
export function fromUnits(units: number): number {
  return units / AMOUNT_SCALE;
}

export class Ledger {
  private nextAccountId = 1;
  readonly participants = new Map<string, Participant>();
  readonly settlementModels = new Map<string, SettlementModel>();
  readonly oracles: Oracle[] = [];
  /** Registered parties keyed by `<type>/<id>`. */
  readonly parties = new Map<string, PartyRecord>();

  /** Creates an empty ledger holding the hub participant, as a seeded central-ledger does. */
  constructor() {
    this.participants.set(HUB_NAME, {
      name: HUB_NAME,
      created: new Date().toISOString(),
      isActive: 1,
      currencies: [],
      accounts: [],
      limits: [],
      initialPositionSet: [],
      endpoints: {},
      fundsInTransferIds: [],
    });
  }

  static fromState(state: LedgerState): Ledger {
    if (state.version !== 1) throw new Error(`unsupported ledger state version ${state.version}`);
    const ledger = new Ledger();
    ledger.nextAccountId = state.nextAccountId;
    for (const participant of state.participants) {
      // Transfers in flight when the state was saved are gone: abort them.
      for (const account of participant.accounts) {
        account.value -= account.reservedValue;
        account.reservedValue = 0;
      }
      ledger.participants.set(participant.name, participant);
    }
    for (const model of state.settlementModels) ledger.settlementModels.set(model.name, model);
    ledger.oracles.push(...state.oracles);
    for (const [key, record] of Object.entries(state.parties)) ledger.parties.set(key, record);
    return ledger;
  }

  toState(): LedgerState {
    return {
      version: 1,
      savedAt: new Date().toISOString(),
      nextAccountId: this.nextAccountId,
      participants: [...this.participants.values()],
      settlementModels: [...this.settlementModels.values()],
      oracles: this.oracles,
      parties: Object.fromEntries(this.parties),
    };
  }

  /** Writes the state to a temporary file, then renames it over `file`. */
  async save(file: string): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(this.toState(), null, 1)}\n`, { mode: 0o600 });
    await rename(temporary, file);
  }

  getParticipant(name: string): Participant {
    const participant = this.participants.get(name);
    if (!participant) throw new FspiopError('3200', `participant "${name}" not found`);
    return participant;
  }

  /** Creates a participant with POSITION and SETTLEMENT accounts in `currency`. */
  addParticipant(name: string, currency: string): Participant {
    const existing = this.participants.get(name);
    if (existing?.currencies.includes(currency)) {
      throw new FspiopError(
        '3000',
        `Participant currency has already been registered: ${name} ${currency}`,
      );
    }
    const now = new Date().toISOString();
    const participant: Participant = existing ?? {
      name,
      created: now,
      isActive: 1,
      currencies: [],
      accounts: [],
      limits: [],
      initialPositionSet: [],
      endpoints: {},
      fundsInTransferIds: [],
    };
    participant.currencies.push(currency);
    participant.accounts.push(
      this.newAccount('POSITION', currency),
      this.newAccount('SETTLEMENT', currency),
    );
    this.participants.set(name, participant);
    return participant;
  }

  /** Creates a hub account (HUB_MULTILATERAL_SETTLEMENT or HUB_RECONCILIATION). */
  addHubAccount(type: LedgerAccountType, currency: string): Account {
    if (type !== 'HUB_MULTILATERAL_SETTLEMENT' && type !== 'HUB_RECONCILIATION') {
      throw new FspiopError('3100', `invalid hub account type "${type}"`);
    }
    const hub = this.getParticipant(HUB_NAME);
    if (hub.accounts.some((a) => a.ledgerAccountType === type && a.currency === currency)) {
      throw new FspiopError('3000', `Hub account has already been registered: ${type} ${currency}`);
    }
    if (!hub.currencies.includes(currency)) hub.currencies.push(currency);
    const account = this.newAccount(type, currency);
    hub.accounts.push(account);
    return account;
  }

  findAccount(participant: Participant, type: LedgerAccountType, currency: string): Account {
    const account = participant.accounts.find(
      (a) => a.ledgerAccountType === type && a.currency === currency,
    );
    if (!account) {
      throw new FspiopError('3200', `${participant.name} has no ${type} account in ${currency}`);
    }
    return account;
  }

  /** Sets the initial position and the net debit cap, once per currency. */
  setInitialPositionAndLimits(
    name: string,
    currency: string,
    limitUnits: number,
    initialPositionUnits: number,
    alarmPercentage: number,
  ): void {
    const participant = this.getParticipant(name);
    if (participant.initialPositionSet.includes(currency)) {
      throw new FspiopError(
        '3000',
        `Participant Limit or Initial Position already set for ${name} ${currency}`,
      );
    }
    const position = this.findAccount(participant, 'POSITION', currency);
    position.value = initialPositionUnits;
    participant.limits = participant.limits.filter((l) => l.currency !== currency);
    participant.limits.push({
      currency,
      type: 'NET_DEBIT_CAP',
      value: limitUnits,
      alarmPercentage,
    });
    participant.initialPositionSet.push(currency);
  }

  setLimit(name: string, currency: string, limitUnits: number, alarmPercentage: number): void {
    const participant = this.getParticipant(name);
    const limit = participant.limits.find((l) => l.currency === currency);
    if (!limit) {
      throw new FspiopError(
        '3200',
        `${name} has no limit in ${currency}; set initialPositionAndLimits first`,
      );
    }
    limit.value = limitUnits;
    limit.alarmPercentage = alarmPercentage;
  }

  /**
   * Records a funds-in: moves `units` from HUB_RECONCILIATION to the
   * participant's SETTLEMENT account. A repeated transferId changes nothing.
   */
  recordFundsIn(
    name: string,
    accountId: number,
    transferId: string,
    units: number,
    currency: string,
  ): boolean {
    const participant = this.getParticipant(name);
    const settlement = participant.accounts.find((a) => a.id === accountId);
    if (settlement?.ledgerAccountType !== 'SETTLEMENT' || settlement.currency !== currency) {
      throw new FspiopError(
        '3100',
        `account ${accountId} of ${name} is not its ${currency} SETTLEMENT account`,
      );
    }
    if (participant.fundsInTransferIds.includes(transferId)) return false;
    const hub = this.getParticipant(HUB_NAME);
    const reconciliation = this.findAccount(hub, 'HUB_RECONCILIATION', currency);
    settlement.value -= units;
    reconciliation.value += units;
    participant.fundsInTransferIds.push(transferId);
    return true;
  }

  /**
   * Reserves a transfer on the payer's position. Rejects with 4001 when it
   * exceeds the liquidity cover (the funds in the SETTLEMENT account) and
   * with 4200 when it would take the position over the net debit cap, in
   * that order, as central-ledger's position handler does.
   */
  reserve(payer: Participant, currency: string, units: number): void {
    const position = this.findAccount(payer, 'POSITION', currency);
    const settlement = this.findAccount(payer, 'SETTLEMENT', currency);
    const limit = payer.limits.find((l) => l.currency === currency);
    if (!limit) throw new FspiopError('4200', `${payer.name} has no net debit cap in ${currency}`);
    const liquidityCover = -settlement.value;
    if (liquidityCover - position.value < units) {
      throw new FspiopError(
        '4001',
        `${payer.name} has ${fromUnits(liquidityCover - position.value)} ${currency} of liquidity left`,
      );
    }
    if (limit.value - position.value < units) {
      throw new FspiopError(
        '4200',
        `net debit cap of ${payer.name} would be exceeded (position ${fromUnits(position.value)}, cap ${fromUnits(limit.value)})`,
      );
    }
    position.value += units;
    position.reservedValue += units;
  }

  /** Releases a reservation made by `reserve`, for an aborted transfer. */
  abort(payer: Participant, currency: string, units: number): void {
    const position = this.findAccount(payer, 'POSITION', currency);
    position.value -= units;
    position.reservedValue -= units;
  }

  /** Commits a reserved transfer: the payee's position goes down by the amount. */
  commit(payer: Participant, payee: Participant, currency: string, units: number): void {
    const payerPosition = this.findAccount(payer, 'POSITION', currency);
    const payeePosition = this.findAccount(payee, 'POSITION', currency);
    payerPosition.reservedValue -= units;
    payeePosition.value -= units;
  }

  /** Summary of positions and balances per DFSP, with the invariant sums. */
  summary(currency: string): {
    participants: {
      name: string;
      position: number;
      reserved: number;
      settlement: number;
      netDebitCap: number | null;
    }[];
    positionSum: number;
    settlementSum: number;
  } {
    const rows = [];
    let positionSum = 0;
    let settlementSum = 0;
    for (const participant of this.participants.values()) {
      if (participant.name === HUB_NAME) {
        const reconciliation = participant.accounts.find(
          (a) => a.ledgerAccountType === 'HUB_RECONCILIATION' && a.currency === currency,
        );
        settlementSum += reconciliation?.value ?? 0;
        continue;
      }
      const position = participant.accounts.find(
        (a) => a.ledgerAccountType === 'POSITION' && a.currency === currency,
      );
      const settlement = participant.accounts.find(
        (a) => a.ledgerAccountType === 'SETTLEMENT' && a.currency === currency,
      );
      if (!position || !settlement) continue;
      const limit = participant.limits.find((l) => l.currency === currency);
      positionSum += position.value;
      settlementSum += settlement.value;
      rows.push({
        name: participant.name,
        position: fromUnits(position.value),
        reserved: fromUnits(position.reservedValue),
        settlement: fromUnits(settlement.value),
        netDebitCap: limit ? fromUnits(limit.value) : null,
      });
    }
    return {
      participants: rows,
      positionSum: fromUnits(positionSum),
      settlementSum: fromUnits(settlementSum),
    };
  }

  private newAccount(type: LedgerAccountType, currency: string): Account {
    return {
      id: this.nextAccountId++,
      ledgerAccountType: type,
      currency,
      isActive: 1,
      value: 0,
      reservedValue: 0,
      createdDate: new Date().toISOString(),
    };
  }
}

export function newTransferId(): string {
  return randomUUID();
}

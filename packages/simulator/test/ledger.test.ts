import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FspiopError } from '../src/fspiop-errors.js';
import { HUB_NAME, Ledger, type LedgerState, toUnits } from '../src/ledger.js';

function makeLedger(overrides: { netDebitCap?: number; funds?: number } = {}): Ledger {
  const ledger = new Ledger();
  ledger.addHubAccount('HUB_MULTILATERAL_SETTLEMENT', 'USD');
  ledger.addHubAccount('HUB_RECONCILIATION', 'USD');
  for (const name of ['payer', 'payee']) {
    const participant = ledger.addParticipant(name, 'USD');
    ledger.setInitialPositionAndLimits(name, 'USD', toUnits(overrides.netDebitCap ?? 1000), 0, 10);
    const settlement = ledger.findAccount(participant, 'SETTLEMENT', 'USD');
    ledger.recordFundsIn(
      name,
      settlement.id,
      `funds-${name}`,
      toUnits(overrides.funds ?? 1000),
      'USD',
    );
  }
  return ledger;
}

function rejectionCode(action: () => void): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof FspiopError) return error.code;
    throw error;
  }
  return undefined;
}

describe('Ledger', () => {
  describe('funds in', () => {
    it('keeps settlement and reconciliation summing to zero', () => {
      const ledger = makeLedger();
      expect(ledger.summary('USD').settlementSum).toBe(0);
      const hub = ledger.getParticipant(HUB_NAME);
      expect(ledger.findAccount(hub, 'HUB_RECONCILIATION', 'USD').value).toBe(toUnits(2000));
    });

    it('applies a repeated transferId once', () => {
      const ledger = makeLedger();
      const payer = ledger.getParticipant('payer');
      const settlement = ledger.findAccount(payer, 'SETTLEMENT', 'USD');
      const applied = ledger.recordFundsIn(
        'payer',
        settlement.id,
        'funds-payer',
        toUnits(5),
        'USD',
      );
      expect(applied).toBe(false);
      expect(settlement.value).toBe(-toUnits(1000));
    });
  });

  describe('transfers', () => {
    it('moves positions and keeps their sum zero', () => {
      const ledger = makeLedger();
      const payer = ledger.getParticipant('payer');
      const payee = ledger.getParticipant('payee');
      ledger.reserve(payer, 'USD', toUnits(10));
      expect(ledger.summary('USD').positionSum).toBe(10);
      ledger.commit(payer, payee, 'USD', toUnits(10));
      const summary = ledger.summary('USD');
      expect(summary.positionSum).toBe(0);
      expect(summary.participants.find((p) => p.name === 'payer')?.position).toBe(10);
      expect(summary.participants.find((p) => p.name === 'payee')?.position).toBe(-10);
    });

    it('rejects a transfer over the net debit cap with 4200', () => {
      const ledger = makeLedger({ netDebitCap: 100, funds: 1000 });
      const payer = ledger.getParticipant('payer');
      expect(rejectionCode(() => ledger.reserve(payer, 'USD', toUnits(100.5)))).toBe('4200');
      expect(ledger.summary('USD').positionSum).toBe(0);
    });

    it('rejects a transfer over the liquidity cover with 4001', () => {
      const ledger = makeLedger({ netDebitCap: 1000, funds: 50 });
      const payer = ledger.getParticipant('payer');
      expect(rejectionCode(() => ledger.reserve(payer, 'USD', toUnits(60)))).toBe('4001');
    });

    it('undoes a reservation on abort', () => {
      const ledger = makeLedger();
      const payer = ledger.getParticipant('payer');
      ledger.reserve(payer, 'USD', toUnits(10));
      ledger.abort(payer, 'USD', toUnits(10));
      expect(ledger.summary('USD').participants.find((p) => p.name === 'payer')?.position).toBe(0);
    });
  });

  describe('persistence', () => {
    let folder: string;
    beforeEach(async () => {
      folder = await mkdtemp(path.join(tmpdir(), 'ledger-'));
    });
    afterEach(async () => {
      await rm(folder, { recursive: true, force: true });
    });

    it('restores the same positions', async () => {
      const ledger = makeLedger();
      const payer = ledger.getParticipant('payer');
      ledger.reserve(payer, 'USD', toUnits(7));
      ledger.commit(payer, ledger.getParticipant('payee'), 'USD', toUnits(7));
      const file = path.join(folder, 'ledger.json');
      await ledger.save(file);
      const restored = Ledger.fromState(JSON.parse(await readFile(file, 'utf8')) as LedgerState);
      expect(restored.summary('USD')).toEqual(ledger.summary('USD'));
    });

    it('aborts reservations saved in flight', () => {
      const ledger = makeLedger();
      ledger.reserve(ledger.getParticipant('payer'), 'USD', toUnits(3));
      const restored = Ledger.fromState(structuredClone(ledger.toState()));
      expect(restored.summary('USD').positionSum).toBe(0);
    });
  });

  describe('amounts', () => {
    it('rejects an amount outside the FSPIOP pattern', () => {
      expect(rejectionCode(() => toUnits('1.50'))).toBe('3100');
      expect(rejectionCode(() => toUnits('-1'))).toBe('3100');
      expect(toUnits('12.3456')).toBe(123_456);
    });
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/server.js';
import { PAYEE, PAYER, quoteRequest, startOnboarded, transferRequest } from './helpers.js';

/** The fields of SDK outbound responses and errors the tests read. */
interface SdkBody {
  currentState?: string;
  statusCode?: string;
  party: { body: { partyIdInfo: { fspId: string } } };
  quotes: { body: { ilpPacket: string; condition: string } };
  transfer: { body: { transferState: string } };
  errorInformation: { errorCode: string };
}

async function postJson(url: string, body: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as SdkBody };
}

async function sdkTransfer(simulator: Simulator, amount: string) {
  const sdk = `${simulator.url}/sdk/${PAYER.dfsp}`;
  const quote = await postJson(`${sdk}/quotes`, {
    fspId: PAYEE.dfsp,
    quotesPostRequest: quoteRequest(amount),
  });
  expect(quote.status).toBe(200);
  return postJson(`${sdk}/simpleTransfers`, {
    fspId: PAYEE.dfsp,
    transfersPostRequest: transferRequest(quote.body.quotes.body, amount),
  });
}

describe('SDK outbound API', () => {
  let simulator: Simulator;
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'sdk-'));
    simulator = await startOnboarded({
      netDebitCap: 100,
      funds: 1000,
      stateFile: path.join(folder, 'ledger.json'),
    });
  });
  afterEach(async () => {
    await simulator.stop();
    await rm(folder, { recursive: true, force: true });
  });

  describe('party lookup', () => {
    it('returns the party with its FSP', async () => {
      const response = await fetch(
        `${simulator.url}/sdk/${PAYER.dfsp}/parties/MSISDN/${PAYEE.msisdn}`,
      );
      const body = (await response.json()) as SdkBody;
      expect(response.status).toBe(200);
      expect(body.currentState).toBe('COMPLETED');
      expect(body.party.body.partyIdInfo.fspId).toBe(PAYEE.dfsp);
    });

    it('answers 404 with 3204 for an unknown party', async () => {
      const response = await fetch(`${simulator.url}/sdk/${PAYER.dfsp}/parties/MSISDN/42`);
      const body = (await response.json()) as SdkBody;
      expect(response.status).toBe(404);
      expect(body.statusCode).toBe('3204');
    });
  });

  describe('transfers', () => {
    it('commits a transfer', async () => {
      const response = await sdkTransfer(simulator, '25');
      expect(response.status).toBe(200);
      expect(response.body.transfer.body.transferState).toBe('COMMITTED');
      expect(simulator.ledger.summary('USD').positionSum).toBe(0);
    });

    it('fails a transfer over the net debit cap with 4200', async () => {
      await sdkTransfer(simulator, '60');
      const response = await sdkTransfer(simulator, '60');
      expect(response.status).toBe(500);
      expect(response.body.statusCode).toBe('4200');
      expect(response.body.errorInformation.errorCode).toBe('4200');
    });

    it('rejects a request without transfersPostRequest with 3100', async () => {
      const response = await postJson(`${simulator.url}/sdk/${PAYER.dfsp}/simpleTransfers`, {
        fspId: PAYEE.dfsp,
      });
      expect(response.status).toBe(400);
      expect(response.body.statusCode).toBe('3100');
    });

    it('fails injected payee errors with 5000', async () => {
      simulator.settings.errorRate = 1;
      const response = await sdkTransfer(simulator, '5');
      expect(response.body.statusCode).toBe('5000');
      expect(simulator.ledger.summary('USD').positionSum).toBe(0);
    });
  });

  describe('stop and restore', () => {
    it('restores the same positions from the ledger file', async () => {
      await sdkTransfer(simulator, '30');
      const before = simulator.ledger.summary('USD');
      await simulator.stop();
      simulator = await startSimulator({ port: 0, stateFile: path.join(folder, 'ledger.json') });
      expect(simulator.ledger.summary('USD')).toEqual(before);
      const response = await sdkTransfer(simulator, '30');
      expect(response.body.transfer.body.transferState).toBe('COMMITTED');
    });
  });

  describe('control API', () => {
    it('rejects an error rate above 1', async () => {
      const response = await fetch(`${simulator.url}/sim/settings`, {
        method: 'PUT',
        body: JSON.stringify({ errorRate: 2 }),
      });
      expect(response.status).toBe(400);
    });

    it('serves Prometheus metrics', async () => {
      await sdkTransfer(simulator, '1');
      const text = await (await fetch(`${simulator.url}/metrics`)).text();
      expect(text).toContain('simulator_transfers_committed_total 1');
      expect(text).toContain(`simulator_participant_position{participant="${PAYER.dfsp}"} 1`);
    });
  });
});

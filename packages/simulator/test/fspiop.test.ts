import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/server.js';
import {
  fspiopHeaders,
  PAYEE,
  PAYER,
  quoteRequest,
  startOnboarded,
  takeCallback,
  transferRequest,
} from './helpers.js';

/** Body of a synchronous FSPIOP error. */
interface ErrorBody {
  errorInformation: { errorCode: string; errorDescription: string };
}

async function post(
  simulator: Simulator,
  path: string,
  headers: Record<string, string>,
  body: unknown,
) {
  const response = await fetch(`${simulator.url}${path}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as ErrorBody) : undefined,
  };
}

describe('FSPIOP API', () => {
  let simulator: Simulator;
  beforeEach(async () => {
    simulator = await startOnboarded({ netDebitCap: 100, funds: 1000 });
  });
  afterEach(async () => {
    await simulator.stop();
  });

  describe('header validation', () => {
    it('rejects a missing FSPIOP-Source with 3102', async () => {
      const headers = fspiopHeaders('quotes', PAYER.dfsp);
      delete headers['fspiop-source'];
      const response = await post(simulator, '/fspiop/quotes', headers, quoteRequest());
      expect(response.status).toBe(400);
      expect(response.body?.errorInformation.errorCode).toBe('3102');
    });

    it('rejects a plain JSON content type with 3101', async () => {
      const headers = {
        ...fspiopHeaders('quotes', PAYER.dfsp),
        'content-type': 'application/json',
      };
      const response = await post(simulator, '/fspiop/quotes', headers, quoteRequest());
      expect(response.status).toBe(400);
      expect(response.body?.errorInformation.errorCode).toBe('3101');
    });

    it('rejects an unsupported version with 3001', async () => {
      const type = 'application/vnd.interoperability.quotes+json;version=3.0';
      const headers = { ...fspiopHeaders('quotes', PAYER.dfsp), 'content-type': type };
      const response = await post(simulator, '/fspiop/quotes', headers, quoteRequest());
      expect(response.status).toBe(400);
      expect(response.body?.errorInformation.errorCode).toBe('3001');
    });

    it('rejects an invalid Date with 3101', async () => {
      const headers = { ...fspiopHeaders('quotes', PAYER.dfsp), date: 'yesterday' };
      const response = await post(simulator, '/fspiop/quotes', headers, quoteRequest());
      expect(response.body?.errorInformation.errorCode).toBe('3101');
    });

    it('rejects an unknown source with 3202', async () => {
      const response = await post(
        simulator,
        '/fspiop/quotes',
        fspiopHeaders('quotes', 'nobody'),
        quoteRequest(),
      );
      expect(response.body?.errorInformation.errorCode).toBe('3202');
    });
  });

  describe('body validation', () => {
    it('rejects a quote without amount with 3100', async () => {
      const { amount: _amount, ...body } = quoteRequest();
      const response = await post(
        simulator,
        '/fspiop/quotes',
        fspiopHeaders('quotes', PAYER.dfsp),
        body,
      );
      expect(response.status).toBe(400);
      expect(response.body?.errorInformation.errorCode).toBe('3100');
      expect(response.body?.errorInformation.errorDescription).toContain('amount');
    });

    it('rejects a malformed amount with 3100', async () => {
      const response = await post(
        simulator,
        '/fspiop/quotes',
        fspiopHeaders('quotes', PAYER.dfsp),
        quoteRequest('1.50'),
      );
      expect(response.body?.errorInformation.errorCode).toBe('3100');
    });

    it('rejects a body that is not JSON with 3101', async () => {
      const response = await fetch(`${simulator.url}/fspiop/transfers`, {
        method: 'POST',
        headers: fspiopHeaders('transfers', PAYER.dfsp),
        body: '{not json',
      });
      const body = (await response.json()) as { errorInformation: { errorCode: string } };
      expect(body.errorInformation.errorCode).toBe('3101');
    });

    it('answers an unknown path with 3002', async () => {
      const response = await fetch(`${simulator.url}/fspiop/bulkThings`, { method: 'POST' });
      const body = (await response.json()) as { errorInformation: { errorCode: string } };
      expect(response.status).toBe(404);
      expect(body.errorInformation.errorCode).toBe('3002');
    });
  });

  describe('transfer flow', () => {
    async function quote(amount = '10') {
      const request = quoteRequest(amount);
      const response = await post(
        simulator,
        '/fspiop/quotes',
        fspiopHeaders('quotes', PAYER.dfsp, PAYEE.dfsp),
        request,
      );
      expect(response.status).toBe(202);
      const callback = await takeCallback(simulator, PAYER.dfsp, `quotes/${request.quoteId}`);
      return callback.body as { ilpPacket: string; condition: string };
    }

    it('calls back the party of a lookup', async () => {
      const response = await fetch(`${simulator.url}/fspiop/parties/MSISDN/${PAYEE.msisdn}`, {
        headers: fspiopHeaders('parties', PAYER.dfsp),
      });
      expect(response.status).toBe(202);
      const callback = await takeCallback(simulator, PAYER.dfsp, `parties/MSISDN/${PAYEE.msisdn}`);
      expect(callback.outcome).toBe('success');
      expect(callback.headers['fspiop-source']).toBe(PAYEE.dfsp);
      expect(callback.headers['content-type']).toBe(
        'application/vnd.interoperability.parties+json;version=1.1',
      );
      expect((callback.body.party as { partyIdInfo: { fspId: string } }).partyIdInfo.fspId).toBe(
        PAYEE.dfsp,
      );
    });

    it('calls back 3204 for an unknown party', async () => {
      await fetch(`${simulator.url}/fspiop/parties/MSISDN/999`, {
        headers: fspiopHeaders('parties', PAYER.dfsp),
      });
      const callback = await takeCallback(simulator, PAYER.dfsp, 'parties/MSISDN/999');
      expect(callback.outcome).toBe('error');
      expect((callback.body.errorInformation as { errorCode: string }).errorCode).toBe('3204');
    });

    it('commits a quoted transfer', async () => {
      const request = transferRequest(await quote());
      const response = await post(
        simulator,
        '/fspiop/transfers',
        fspiopHeaders('transfers', PAYER.dfsp, PAYEE.dfsp),
        request,
      );
      expect(response.status).toBe(202);
      const callback = await takeCallback(simulator, PAYER.dfsp, `transfers/${request.transferId}`);
      expect(callback.body.transferState).toBe('COMMITTED');
      const summary = simulator.ledger.summary('USD');
      expect(summary.positionSum).toBe(0);
      expect(summary.participants.find((p) => p.name === PAYER.dfsp)?.position).toBe(10);
    });

    it('calls back 4200 for a transfer over the net debit cap', async () => {
      const request = transferRequest(await quote('150'), '150');
      await post(
        simulator,
        '/fspiop/transfers',
        fspiopHeaders('transfers', PAYER.dfsp, PAYEE.dfsp),
        request,
      );
      const callback = await takeCallback(simulator, PAYER.dfsp, `transfers/${request.transferId}`);
      expect(callback.outcome).toBe('error');
      expect((callback.body.errorInformation as { errorCode: string }).errorCode).toBe('4200');
      expect(
        simulator.ledger.summary('USD').participants.find((p) => p.name === PAYER.dfsp)?.position,
      ).toBe(0);
    });

    it('rejects a transfer for another payer with 3100', async () => {
      const request = { ...transferRequest(await quote()), payerFsp: PAYEE.dfsp };
      const response = await post(
        simulator,
        '/fspiop/transfers',
        fspiopHeaders('transfers', PAYER.dfsp),
        request,
      );
      expect(response.body?.errorInformation.errorCode).toBe('3100');
    });
  });
});

import { describe, expect, it } from 'vitest';
import { CallbackInbox, CallbackSender } from '../src/callbacks.js';

describe('CallbackInbox', () => {
  describe('take', () => {
    it('pairs callbacks of one path in order', async () => {
      const inbox = new CallbackInbox();
      inbox.put('payer/parties/MSISDN/1', {}, { n: 1 });
      inbox.put('payer/parties/MSISDN/1', {}, { n: 2 });
      const first = await inbox.take('payer/parties/MSISDN/1', 1000);
      const second = await inbox.take('payer/parties/MSISDN/1', 1000);
      expect(first?.body).toEqual({ n: 1 });
      expect(second?.body).toEqual({ n: 2 });
    });

    it('gives each waiting reader its own callback', async () => {
      const inbox = new CallbackInbox();
      const readers = [inbox.take('p/transfers/t', 1000), inbox.take('p/transfers/t', 1000)];
      inbox.put('p/transfers/t', {}, { n: 1 });
      inbox.put('p/transfers/t/error', {}, { n: 2 });
      const [first, second] = await Promise.all(readers);
      expect(first?.outcome).toBe('success');
      expect(second?.outcome).toBe('error');
      expect(second?.body).toEqual({ n: 2 });
    });

    it('returns undefined when nothing arrives', async () => {
      const inbox = new CallbackInbox();
      expect(await inbox.take('p/quotes/q', 5)).toBeUndefined();
      inbox.put('p/quotes/q', {}, { late: true });
      expect((await inbox.take('p/quotes/q', 5))?.body).toEqual({ late: true });
    });
  });
});

describe('CallbackSender', () => {
  describe('expand', () => {
    it('fills and encodes placeholders', () => {
      const url = CallbackSender.expand(
        'http://127.0.0.1/cb/parties/{{partyIdType}}/{{partyIdentifier}}',
        {
          partyIdType: 'MSISDN',
          partyIdentifier: 'a b',
        },
      );
      expect(url).toBe('http://127.0.0.1/cb/parties/MSISDN/a%20b');
    });
  });
});

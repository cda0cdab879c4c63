import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Store } from '@perfplane/control';
import { createCostSaver } from '@perfplane/embedded';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './helpers/ports.js';
import { ROOT } from './helpers.js';

const run = promisify(execFile);

/** A store in which only 02-infrastructure is completed, so the cost saver runs its script alone. */
const completedInfrastructure = {
  getPhaseStates: async () => [{ phaseId: '02-infrastructure', status: 'completed' }],
} as unknown as Store;

/** Runs `action` with the variables of `env` in process.env, which the cost saver passes on. */
async function withEnv<T>(env: NodeJS.ProcessEnv, action: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await action();
  } finally {
    for (const key of Object.keys(process.env)) {
      if (!(key in saved)) {
        delete process.env[key];
      }
    }
    Object.assign(process.env, saved);
  }
}

describe('rehearsal phase scripts', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let url: string;

  async function script(
    file: string,
    ...args: string[]
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(path.join(ROOT, file), args, { env, cwd: ROOT });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  async function ledger(): Promise<{
    positionSum: number;
    participants: { name: string; position: number }[];
  }> {
    return (await (await fetch(`${url}/sim/ledger`)).json()) as {
      positionSum: number;
      participants: { name: string; position: number }[];
    };
  }

  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'rehearsal-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      ...process.env,
      PERFPLANE_HOME: home,
      PERFPLANE_ENV: 'rehearsal',
      PERFPLANE_SIMULATOR_PORT: String(port),
    };
  });
  afterAll(async () => {
    await script('phases/lib/rehearsal-stop.sh');
    await rm(home, { recursive: true, force: true });
  });

  describe('prerequisites', () => {
    it('reports a missing k6 as unmet', async () => {
      const saved = env;
      env = { ...env, PERFPLANE_K6: path.join(home, 'no-such-k6') };
      const result = await script('phases/01-prerequisites/scripts/rehearsal.sh', 'validate');
      env = saved;
      expect(result.code).toBe(3);
      expect(result.stdout).toMatch(/^##perfplane\[unmet\] k6 v1\.4\.2 /m);
    });
  });

  describe('infrastructure and onboarding', () => {
    it('starts the simulator and records its URLs', async () => {
      const result = await script('phases/02-infrastructure/scripts/rehearsal.sh', 'deploy');
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`##perfplane[output] hub_url=${url}/admin`);
      expect((await script('phases/02-infrastructure/scripts/rehearsal.sh', 'validate')).code).toBe(
        0,
      );
    });

    it('onboards and verifies the 8 DFSPs', async () => {
      const result = await script('phases/04-mojaloop/scripts/rehearsal.sh', 'deploy');
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('8 of 8 DFSPs onboarded');
    });
  });

  describe('cost saving', () => {
    it('restores the same positions', async () => {
      const transfer = await fetch(`${url}/sdk/payerfsp1/quotes`, {
        method: 'POST',
        body: JSON.stringify({
          fspId: 'payeefsp1',
          quotesPostRequest: {
            quoteId: '0b5e2c1a-3f4d-4a6b-8c7d-1e2f3a4b5c6d',
            transactionId: '1c6f3d2b-4e5a-4b7c-9d8e-2f3a4b5c6d7e',
            payee: {
              partyIdInfo: {
                partyIdType: 'MSISDN',
                partyIdentifier: '2561000001',
                fspId: 'payeefsp1',
              },
            },
            payer: {
              partyIdInfo: {
                partyIdType: 'MSISDN',
                partyIdentifier: '2551000001',
                fspId: 'payerfsp1',
              },
            },
            amountType: 'SEND',
            amount: { currency: 'USD', amount: '12' },
            transactionType: {
              scenario: 'TRANSFER',
              initiator: 'PAYER',
              initiatorType: 'CONSUMER',
            },
          },
        }),
      });
      const quote = (
        (await transfer.json()) as { quotes: { body: { ilpPacket: string; condition: string } } }
      ).quotes.body;
      const committed = await fetch(`${url}/sdk/payerfsp1/simpleTransfers`, {
        method: 'POST',
        body: JSON.stringify({
          fspId: 'payeefsp1',
          transfersPostRequest: {
            transferId: '2d7a4e3c-5f6b-4c8d-8e9f-3a4b5c6d7e8f',
            payerFsp: 'payerfsp1',
            payeeFsp: 'payeefsp1',
            amount: { currency: 'USD', amount: '12' },
            ilpPacket: quote.ilpPacket,
            condition: quote.condition,
            expiration: new Date(Date.now() + 60_000).toISOString(),
          },
        }),
      });
      expect(committed.status).toBe(200);
      const before = await ledger();
      const saver = createCostSaver(ROOT, completedInfrastructure);
      const saved = await withEnv(env, () => saver.apply('rehearsal', 'on', true));
      expect(saved).toEqual([
        { phase: '02-infrastructure', outcome: 'done', message: 'cost saving on' },
      ]);
      expect((await script('phases/02-infrastructure/scripts/rehearsal.sh', 'validate')).code).toBe(
        1,
      );
      const restored = await withEnv(env, () => saver.apply('rehearsal', 'off', true));
      expect(restored[0]?.outcome).toBe('done');
      const after = await ledger();
      expect(after).toEqual(before);
      expect(after.participants.find((p) => p.name === 'payerfsp1')?.position).toBe(12);
    });
  });

  describe('emergency stop', () => {
    it('stops the simulator', async () => {
      const result = await script('phases/lib/rehearsal-stop.sh');
      expect(result.stdout).toContain('stopping simulator pid');
      const validate = await script('phases/02-infrastructure/scripts/rehearsal.sh', 'validate');
      expect(validate.code).toBe(1);
      expect(validate.stderr).toContain('simulator not running');
    });
  });
});

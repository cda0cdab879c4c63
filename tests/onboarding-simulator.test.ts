import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onboard, verify } from '@perfplane/onboarding';
import type { Simulator } from '@perfplane/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientsFor, rehearsal, startRehearsalHub } from './helpers.js';

/** Ledger state without the fields that change on every save. */
async function savedState(simulator: Simulator, file: string): Promise<unknown> {
  await simulator.save();
  const state = JSON.parse(await readFile(file, 'utf8')) as { savedAt?: string };
  delete state.savedAt;
  return state;
}

describe('onboarding against the simulator', () => {
  let folder: string;
  let simulator: Simulator | undefined;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'onboarding-'));
  });
  afterEach(async () => {
    await simulator?.stop();
    simulator = undefined;
    await rm(folder, { recursive: true, force: true });
  });

  describe('onboard', () => {
    it('changes nothing on a second run', async () => {
      const file = path.join(folder, 'ledger.json');
      const started = await startRehearsalHub({ stateFile: file });
      simulator = started.simulator;
      expect(started.changes.length).toBeGreaterThan(0);
      const first = await savedState(simulator, file);
      const changes = await onboard(started.environment, clientsFor(simulator), {
        callbackUrlTemplate: `${simulator.url}/callbacks/{dfsp}`,
        oracleUrl: `${simulator.url}/oracle`,
        partiesPerDfsp: 3,
      });
      expect(changes).toEqual([]);
      expect(await savedState(simulator, file)).toEqual(first);
    });

    it('treats an existing participant as done', async () => {
      const started = await startRehearsalHub();
      simulator = started.simulator;
      const environment = await rehearsal();
      const extra = {
        ...environment,
        dfsps: [
          ...environment.dfsps,
          { id: 'latefsp', netDebitCap: 5, initialFunds: 5, msisdnPrefix: '2570' },
        ],
      };
      await fetch(`${simulator.url}/admin/participants`, {
        method: 'POST',
        body: JSON.stringify({ name: 'latefsp', currency: 'USD' }),
      });
      const changes = await onboard(extra, clientsFor(simulator), {
        callbackUrlTemplate: `${simulator.url}/callbacks/{dfsp}`,
        partiesPerDfsp: 3,
      });
      expect(changes.some((change) => change.startsWith('participant latefsp'))).toBe(false);
      expect(changes).toContain('funds in 5 USD for latefsp');
    });
  });

  describe('verify', () => {
    it('lists the 8 DFSPs active with limits and endpoints', async () => {
      const started = await startRehearsalHub();
      simulator = started.simulator;
      const checks = await verify(started.environment, clientsFor(simulator).hub);
      expect(checks).toHaveLength(8);
      for (const check of checks) {
        expect(check.problems).toEqual([]);
        expect(check.active).toBe(true);
        expect(check.netDebitCap).toBe(10_000_000);
        expect(check.endpoints).toBe(9);
      }
    });

    it('reports a DFSP that is missing', async () => {
      const started = await startRehearsalHub();
      simulator = started.simulator;
      const environment = {
        ...started.environment,
        dfsps: [
          ...started.environment.dfsps,
          { id: 'ghostfsp', netDebitCap: 1, initialFunds: 1, msisdnPrefix: '2599' },
        ],
      };
      const checks = await verify(environment, clientsFor(simulator).hub);
      expect(checks.find((c) => c.id === 'ghostfsp')?.problems).toEqual(['not a participant']);
    });
  });
});

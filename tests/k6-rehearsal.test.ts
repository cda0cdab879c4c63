import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Environment } from '@perfplane/core';
import type { Simulator } from '@perfplane/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findK6, runK6, startRehearsalHub } from './helpers.js';

const k6 = findK6();
if (!k6 && process.env.CI) {
  throw new Error('k6 not found and CI is set: run scripts/install-k6.sh before the tests');
}
if (!k6) {
  console.warn(
    'k6 not found (PERFPLANE_K6, PATH, $(go env GOPATH)/bin/k6): skipping the k6 tests; run scripts/install-k6.sh',
  );
}

function k6Args(simulator: Simulator, environment: Environment, extra: string[]): string[] {
  const dfsps = environment.dfsps.map((d) => ({ id: d.id, msisdnPrefix: d.msisdnPrefix }));
  return [
    'run',
    '--quiet',
    '--no-color',
    '-e',
    `BASE_URL=${simulator.url}`,
    '-e',
    `DFSPS=${JSON.stringify(dfsps)}`,
    '-e',
    'PARTIES_PER_DFSP=3',
    '-e',
    'MAX_ERROR_RATE=0.01',
    ...extra,
  ];
}

describe.skipIf(!k6)('k6 against the simulator', () => {
  let folder: string;
  let simulator: Simulator;
  let environment: Environment;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'k6-'));
    ({ simulator, environment } = await startRehearsalHub());
  });
  afterEach(async () => {
    await simulator.stop();
    await rm(folder, { recursive: true, force: true });
  });

  describe.each(['sdk-outbound', 'fspiop'])('transfers over %s', (api) => {
    it('keeps the positions summing to zero', async () => {
      const summaryFile = path.join(folder, 'summary.json');
      const result = await runK6(
        k6 as string,
        k6Args(simulator, environment, [
          '-e',
          `TRANSFER_API=${api}`,
          '-e',
          'RATE=5',
          '-e',
          'DURATION=3s',
          '--summary-export',
          summaryFile,
          'k6/transfers.ts',
        ]),
      );
      expect(result.status, result.output).toBe(0);
      const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as {
        metrics: Record<string, { count?: number }>;
      };
      const completed = summary.metrics.transfers_completed?.count ?? 0;
      expect(completed).toBeGreaterThan(0);
      expect(summary.metrics.transfers_failed).toBeUndefined();
      const ledger = simulator.ledger.summary('USD');
      expect(ledger.positionSum).toBe(0);
      expect(ledger.settlementSum).toBe(0);
      const sent = ledger.participants
        .filter((p) => p.name.startsWith('payer'))
        .reduce((sum, p) => sum + p.position, 0);
      expect(sent).toBe(completed);
    });
  });

  describe('thresholds', () => {
    it('exits 99 when injected errors cross the error rate', async () => {
      simulator.settings.errorRate = 0.5;
      const result = await runK6(
        k6 as string,
        k6Args(simulator, environment, ['-e', 'RATE=5', '-e', 'DURATION=2s', 'k6/transfers.ts']),
      );
      expect(result.status, result.output).toBe(99);
      expect(simulator.ledger.summary('USD').positionSum).toBe(0);
    });
  });
});

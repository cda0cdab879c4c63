/**
 * Smoke test: a short constant rate of transfers (SMOKE_RATE a second for
 * SMOKE_DURATION) that checks the whole path works before the ladder. It
 * fails on the environment's error-rate and p95 limits like the ladder.
 *
 * Variables: SMOKE_RATE (default 10), SMOKE_DURATION (default 2m), and
 * those of transfers.ts except STAGES.
 */
import type { Options } from 'k6/options';
import { loadConfig } from './lib/config.ts';
import { ladderScenarios, targetThresholds } from './lib/scenarios.ts';
import { runTransfer } from './lib/transfer.ts';

const config = loadConfig();
const rate = Number(__ENV.SMOKE_RATE || 10);
if (!(rate > 0))
  throw new Error(`invalid SMOKE_RATE=${__ENV.SMOKE_RATE}: expected a number above 0`);

export const options: Options = {
  scenarios: ladderScenarios([{ name: 'smoke', rate, duration: __ENV.SMOKE_DURATION || '2m' }]),
  thresholds: { ...targetThresholds(config), checks: ['rate>0.99'] },
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
};

export default function (): void {
  runTransfer(config);
}

/**
 * Load test: the transfer ladder. Each stage is a constant-arrival-rate
 * scenario. Every iteration is one transfer (party lookup, quote, transfer)
 * between a weighted payer/payee pair, through the SDK outbound API or the
 * FSPIOP API (TRANSFER_API). Thresholds come from the environment's target.
 *
 * Variables: BASE_URL, TRANSFER_API, STAGES (JSON), DFSPS (JSON), PAIRS (JSON),
 * PARTIES_PER_DFSP, CURRENCY, AMOUNT, P95_MS, MAX_ERROR_RATE,
 * SDK_URL_TEMPLATE, FSPIOP_URL, CALLBACK_URL_TEMPLATE, CALLBACK_TIMEOUT_MS.
 */
import type { Options } from 'k6/options';
import { loadConfig, loadStages } from './lib/config.ts';
import { ladderScenarios, targetThresholds } from './lib/scenarios.ts';
import { runTransfer } from './lib/transfer.ts';

const config = loadConfig();

export const options: Options = {
  scenarios: ladderScenarios(loadStages()),
  thresholds: targetThresholds(config),
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
  discardResponseBodies: false,
};

export default function (): void {
  runTransfer(config);
}

import { describe, expect, it } from 'vitest';
import { analyse } from '../src/index.js';
import { fixture } from './helpers.js';

/*
 * Expected figures below were computed independently of this package from
 * the fixture files, with these commands (run in test/fixtures):
 *
 *   jq -s '[.[]|select(.type=="Point")] as $p | {
 *     reqs: ([$p[]|select(.metric=="http_reqs")|.data.value]|add),
 *     failed: ([$p[]|select(.metric=="http_req_failed")|.data.value]|add),
 *     iters: ([$p[]|select(.metric=="iterations")|.data.value]|add),
 *     vusmax: ([$p[]|select(.metric=="vus")|.data.value]|max),
 *     status: ([$p[]|select(.metric=="http_reqs")|.data.tags.status]|group_by(.)|map({(.[0]):length})|add),
 *     byScenario: ([$p[]|select(.metric=="http_reqs")|.data.tags.scenario]|group_by(.)|map({(.[0]):length})|add),
 *     durAvg: ([$p[]|select(.metric=="http_req_duration")|.data.value]|add/length),
 *     durMax: ([$p[]|select(.metric=="http_req_duration")|.data.value]|max)}' FILE
 *
 * and nearest-rank percentiles of http_req_duration with
 *   jq -r 'select(.type=="Point" and .metric=="http_req_duration")|.data.value' FILE | sort -g |
 *   awk '{a[NR]=$1} END {n=NR; split("50 90 95 99",ps," ");
 *        for(i=1;i<=4;i++){r=int((ps[i]/100)*n+0.999999); printf "p%s=%s ", ps[i], a[r]}}'
 *
 * For the CSV, a python csv.DictReader loop summing metric_value per
 * metric_name and sorting the http_req_duration values the same way.
 * Percentiles come from 2-digit HDR histograms, so they are checked to 1%.
 */

const withinOnePercent = (actual: number | null, expected: number) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected) / expected).toBeLessThanOrEqual(0.01);
};

describe('fixtures', () => {
  describe('ticket-reserve NDJSON', () => {
    it('counts requests, failures and iterations', async () => {
      const result = await analyse({ files: [fixture('ticket-reserve_output.ndjson')] });
      const run = result.figures.run;
      expect(run.requests).toBe(100);
      expect(run.failedRequests).toBe(1);
      expect(run.iterations).toBe(100);
      expect(run.errorRate).toBeCloseTo(0.01, 10);
      expect(run.errorsByStatus).toEqual({ '500': 1 });
      expect(run.vusMax).toBe(97);
    });

    it('computes latency figures', async () => {
      const result = await analyse({ files: [fixture('ticket-reserve_output.ndjson')] });
      const latency = result.figures.run.latency;
      expect(latency.count).toBe(100);
      expect(latency.avg).toBeCloseTo(3264.992537, 6);
      expect(latency.max).toBe(4180.7135);
      withinOnePercent(latency.p50, 3382.2142);
      withinOnePercent(latency.p90, 4029.6407);
      withinOnePercent(latency.p95, 4100.8431);
      withinOnePercent(latency.p99, 4150.7566);
    });

    it('honours the +07:00 offset', async () => {
      const result = await analyse({ files: [fixture('ticket-reserve_output.ndjson')] });
      // First point: 2024-08-05T15:24:38.952806+07:00.
      expect(result.run.startTime).toBe('2024-08-05T08:24:38.952Z');
    });

    it('matches the summary export of the same run', async () => {
      const samples = await analyse({ files: [fixture('ticket-reserve_output.ndjson')] });
      const summary = await analyse({ files: [fixture('ticket-reserve_summary-export.json')] });
      expect(summary.source).toBe('summaries');
      expect(summary.figures.run.requests).toBe(samples.figures.run.requests);
      expect(summary.figures.run.failedRequests).toBe(samples.figures.run.failedRequests);
      expect(summary.figures.run.latency.max).toBe(samples.figures.run.latency.max);
      withinOnePercent(samples.figures.run.latency.p95, summary.figures.run.latency.p95 as number);
    });
  });

  describe('k6-load-template NDJSON', () => {
    it('splits two scenarios', async () => {
      const result = await analyse({ files: [fixture('k6-load-template_k6-results.ndjson')] });
      const requests = Object.fromEntries(
        result.byScenario.map((entry) => [entry.key, entry.run.requests]),
      );
      expect(requests.main).toBe(60);
      expect(requests.smoke).toBe(1);
      expect(result.figures.run.requests).toBe(61);
    });

    it('keeps setup samples apart', async () => {
      const result = await analyse({ files: [fixture('k6-load-template_k6-results.ndjson')] });
      const setupGroups = result.byScenario.filter((entry) => entry.key === '::setup');
      // setup() made no HTTP request, so it has no breakdown row, but its
      // samples count toward the run and never into a scenario.
      expect(setupGroups).toHaveLength(0);
      expect(result.metrics.find((metric) => metric.name === 'data_sent')?.count).toBeGreaterThan(
        0,
      );
      expect(result.byScenario.map((entry) => entry.key).sort()).toEqual(['main', 'smoke']);
    });

    it('computes long latencies', async () => {
      const result = await analyse({ files: [fixture('k6-load-template_k6-results.ndjson')] });
      const latency = result.figures.run.latency;
      expect(latency.avg).toBeCloseTo(9752.56718555738, 6);
      expect(latency.max).toBe(14941.932762);
      withinOnePercent(latency.p50, 9948.543786);
      withinOnePercent(latency.p95, 14311.889233);
      expect(result.figures.run.vusMax).toBe(30);
      expect(result.figures.run.iterations).toBe(31);
    });
  });

  describe('finance CSV', () => {
    it('reads the 19-column layout', async () => {
      const result = await analyse({ files: [fixture('finance_k6-results.csv')] });
      expect(result.inputs[0]?.format).toBe('csv');
      expect(result.figures.run.requests).toBe(60);
      expect(result.figures.run.iterations).toBe(20);
      expect(result.figures.run.errorRate).toBe(0);
      expect(result.run.startTime).toBe(new Date(1730305221 * 1000).toISOString());
      expect(result.warnings).toEqual([]);
    });

    it('computes latency and names', async () => {
      const result = await analyse({ files: [fixture('finance_k6-results.csv')] });
      const latency = result.figures.run.latency;
      expect(latency.avg).toBeCloseTo(20.832565916666667, 6);
      expect(latency.max).toBe(218.508);
      withinOnePercent(latency.p50, 12.957125);
      withinOnePercent(latency.p90, 28.591417);
      const byName = Object.fromEntries(
        result.byName.map((entry) => [entry.key, entry.run.requests]),
      );
      expect(byName['http://finance:9501/transaction']).toBe(40);
      expect(byName['http://finance:9501/transfer']).toBe(20);
    });
  });

  describe('ticket-reserve summary export', () => {
    it('reads values as k6 wrote them', async () => {
      const result = await analyse({ files: [fixture('ticket-reserve_summary-export.json')] });
      const metric = (name: string) => result.metrics.find((entry) => entry.name === name);
      expect(metric('http_req_failed')?.values.passes).toBe(1);
      expect(metric('checks')?.values.passes).toBe(99);
      expect(metric('iterations')?.values.count).toBe(100);
      expect(result.exactness.latencyP95?.exact).toBe(true);
    });
  });
});

import type { AnalysisResult } from '../schema.js';
import { formatChange, formatMs, formatNumber, formatPercent, keyLabel } from './format.js';

function verdictLine(result: AnalysisResult): string {
  if (!result.validity.valid) return '**INVALID RUN**: not a measurement of the switch';
  if (result.verdict.pass === null) return 'No target given: figures only';
  return result.verdict.pass ? '**PASS**: target met' : '**FAIL**: target missed';
}

/** A short Markdown summary for Slack or a pull request. */
export function renderMarkdown(result: AnalysisResult): string {
  const window = result.figures.window;
  const lines: string[] = [];
  lines.push(`### k6 analysis: ${verdictLine(result)}`);
  lines.push('');
  lines.push(`Window: ${result.window.durationSeconds} s (${result.window.rule}).`);
  lines.push('');
  lines.push('| figure | steady state | target |');
  lines.push('|---|---|---|');
  const target = result.verdict.target;
  lines.push(
    `| TPS (${result.tpsSource.metric}) | ${formatNumber(window.tps)} | ${target ? `>= ${target.tps}` : ''} |`,
  );
  lines.push(
    `| p95 latency | ${formatMs(window.latency.p95)} | ${target ? `<= ${target.p95Ms} ms` : ''} |`,
  );
  lines.push(`| p99 latency | ${formatMs(window.latency.p99)} | |`);
  lines.push(
    `| error rate | ${formatPercent(window.errorRate)} | ${target ? `<= ${formatPercent(target.maxErrorRate)}` : ''} |`,
  );
  lines.push(`| requests/s | ${formatNumber(window.requestsPerSecond)} | |`);
  lines.push('');
  for (const reason of result.validity.reasons) lines.push(`- invalid: ${reason}`);
  const failed = result.thresholds.filter((threshold) => !threshold.ok);
  if (result.thresholds.length > 0) {
    lines.push(
      `- thresholds: ${result.thresholds.length - failed.length}/${result.thresholds.length} passed`,
    );
    for (const threshold of failed.slice(0, 5)) {
      lines.push(
        `  - failed \`${threshold.metric}: ${threshold.expression}\` (observed ${formatNumber(threshold.observed, 3)})`,
      );
    }
  }
  if (result.baseline) {
    const regressions = result.baseline.comparisons.filter((comparison) => comparison.regression);
    lines.push(
      regressions.length === 0
        ? `- baseline: no regression beyond ${result.baseline.tolerancePercent}%`
        : `- baseline: regression in ${regressions.map((r) => `${r.figure} ${formatChange(r.changePercent)}`).join(', ')}`,
    );
  }
  const errors = Object.entries(window.errorsByStatus).sort((a, b) => b[1] - a[1]);
  if (errors.length > 0) {
    lines.push(
      `- errors by status: ${errors
        .slice(0, 5)
        .map(([status, count]) => `${status}: ${count}`)
        .join(', ')}`,
    );
  }
  const top = result.byName.slice(0, 5);
  if (top.length > 1) {
    lines.push(
      `- p95 by ${result.breakdownTag}: ${top.map((entry) => `${keyLabel(entry.key)} ${formatMs(entry.window.latency.p95)}`).join(', ')}`,
    );
  }
  const skipped = result.warnings.reduce((sum, warning) => sum + warning.count, 0);
  if (skipped > 0) lines.push(`- input warnings: ${skipped} (see result.json)`);
  return `${lines.join('\n')}\n`;
}

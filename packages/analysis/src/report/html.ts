import type { AnalysisResult, Figures, Series } from '../schema.js';
import {
  escapeHtml,
  formatChange,
  formatMs,
  formatNumber,
  formatPercent,
  keyLabel,
} from './format.js';
import { renderMarkdown } from './markdown.js';
import { type ChartLine, renderLineChart } from './svg.js';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2'];

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:960px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
.pass{color:#17702a;font-weight:600}.fail{color:#b00020;font-weight:600}
.badge{display:inline-block;padding:4px 10px;border-radius:4px;color:#fff;font-weight:600}
.badge.pass{background:#17702a;color:#fff}.badge.fail{background:#b00020;color:#fff}.badge.none{background:#666}
.chart{width:100%;height:auto;margin:6px 0}.chart-title{font-weight:600;font-size:13px}
.tick,.legend{font-size:11px;fill:#444}.grid{stroke:#eee}.window{fill:#e8f0fe}
.muted{color:#666}
`;

function figureRow(label: string, run: string, window: string): string {
  return `<tr><td>${escapeHtml(label)}</td><td>${run}</td><td>${window}</td></tr>`;
}

function figuresTable(run: Figures, window: Figures): string {
  const rows = [
    figureRow('TPS (completed transfers/s)', formatNumber(run.tps), formatNumber(window.tps)),
    figureRow('transfers', formatNumber(run.transfers, 0), formatNumber(window.transfers, 0)),
    figureRow(
      'requests/s',
      formatNumber(run.requestsPerSecond),
      formatNumber(window.requestsPerSecond),
    ),
    figureRow('latency p50', formatMs(run.latency.p50), formatMs(window.latency.p50)),
    figureRow('latency p90', formatMs(run.latency.p90), formatMs(window.latency.p90)),
    figureRow('latency p95', formatMs(run.latency.p95), formatMs(window.latency.p95)),
    figureRow('latency p99', formatMs(run.latency.p99), formatMs(window.latency.p99)),
    figureRow('latency max', formatMs(run.latency.max), formatMs(window.latency.max)),
    figureRow('error rate', formatPercent(run.errorRate), formatPercent(window.errorRate)),
    figureRow(
      'failed requests',
      formatNumber(run.failedRequests, 0),
      formatNumber(window.failedRequests, 0),
    ),
    figureRow(
      'dropped iterations',
      formatNumber(run.droppedIterations, 0),
      formatNumber(window.droppedIterations, 0),
    ),
    figureRow('max VUs', formatNumber(run.vusMax, 0), formatNumber(window.vusMax, 0)),
  ];
  return `<table><tr><th>figure</th><th>whole run</th><th>steady state</th></tr>${rows.join('')}</table>`;
}

function charts(series: Series, window: { from: number; to: number } | undefined): string {
  const lines = (entries: [string, (number | null)[]][]): ChartLine[] =>
    entries.map(([label, values], index) => ({
      label,
      values,
      color: PALETTE[index % PALETTE.length] as string,
    }));
  const errorLines = Object.entries(series.errorsByStatus).map(
    ([status, values]) => [`HTTP ${status}`, values] as [string, number[]],
  );
  for (const [code, values] of Object.entries(series.errorsByFspiopCode)) {
    errorLines.push([`FSPIOP ${code}`, values]);
  }
  if (errorLines.length === 0) errorLines.push(['errors', series.errors]);
  return [
    renderLineChart({
      title: 'Throughput',
      unit: 'per second',
      lines: lines([
        ['requests/s', series.requests],
        ['transfers/s', series.transfers],
      ]),
      window,
    }),
    renderLineChart({
      title: 'Latency percentiles',
      unit: 'ms',
      lines: lines([
        ['p50', series.p50],
        ['p90', series.p90],
        ['p95', series.p95],
        ['p99', series.p99],
      ]),
      window,
    }),
    renderLineChart({
      title: 'Errors',
      unit: 'per second',
      lines: lines(errorLines.slice(0, 7)),
      window,
    }),
    renderLineChart({
      title: 'VUs and dropped iterations',
      unit: 'count',
      lines: lines([
        ['VUs', series.vus],
        ['dropped/s', series.droppedIterations],
      ]),
      window,
    }),
  ].join('\n');
}

function breakdownTable(title: string, entries: AnalysisResult['byName']): string {
  if (entries.length === 0) return '';
  const rows = entries.map(
    (entry) =>
      `<tr><td>${escapeHtml(keyLabel(entry.key))}</td><td>${formatNumber(entry.window.requests, 0)}</td><td>${formatNumber(entry.window.requestsPerSecond)}</td><td>${formatMs(entry.window.latency.p50)}</td><td>${formatMs(entry.window.latency.p95)}</td><td>${formatMs(entry.window.latency.p99)}</td><td>${formatPercent(entry.window.errorRate)}</td></tr>`,
  );
  return `<h2>${escapeHtml(title)} (steady state)</h2><table><tr><th>key</th><th>requests</th><th>req/s</th><th>p50</th><th>p95</th><th>p99</th><th>errors</th></tr>${rows.join('')}</table>`;
}

function metricsTable(metrics: AnalysisResult['metrics']): string {
  if (metrics.length === 0) return '';
  const rows = metrics.map((metric) => {
    const values = Object.entries(metric.values)
      .map(([key, value]) => `${escapeHtml(key)}=${formatNumber(value, 3)}`)
      .join(' ');
    return `<tr><td>${escapeHtml(metric.name)}</td><td>${metric.type}</td><td>${formatNumber(metric.count, 0)}</td><td style="text-align:left">${values}</td></tr>`;
  });
  return `<h2>All metrics (whole run)</h2><table><tr><th>metric</th><th>type</th><th>samples</th><th>values</th></tr>${rows.join('')}</table>`;
}

function badge(result: AnalysisResult): string {
  if (!result.validity.valid) return '<span class="badge fail">INVALID RUN</span>';
  if (result.verdict.pass === null) return '<span class="badge none">NO TARGET</span>';
  return result.verdict.pass
    ? '<span class="badge pass">PASS</span>'
    : '<span class="badge fail">FAIL</span>';
}

/** A self-contained HTML report: inline CSS and SVG, no script, no network. */
export function renderHtml(result: AnalysisResult): string {
  const sections: string[] = [];
  sections.push(`<h1>k6 analysis ${badge(result)}</h1>`);
  sections.push(
    `<p class="muted">Run ${escapeHtml(result.run.startTime ?? 'n/a')} to ${escapeHtml(result.run.endTime ?? 'n/a')}; window ${escapeHtml(result.window.rule)}; TPS from ${escapeHtml(result.tpsSource.rule)}; inputs: ${result.inputs.map((input) => escapeHtml(input.file)).join(', ')}.</p>`,
  );
  if (!result.validity.valid) {
    sections.push(
      `<ul>${result.validity.reasons.map((reason) => `<li class="fail">${escapeHtml(reason)}</li>`).join('')}</ul>`,
    );
  }
  if (result.verdict.checks.length > 0) {
    const rows = result.verdict.checks.map(
      (check) =>
        `<tr><td>${escapeHtml(check.name)}</td><td>${formatNumber(check.target, 3)}</td><td>${formatNumber(check.observed, 3)}</td><td class="${check.ok ? 'pass' : 'fail'}">${check.ok ? 'ok' : 'missed'}</td></tr>`,
    );
    sections.push(
      `<h2>Target</h2><table><tr><th>check</th><th>target</th><th>observed</th><th></th></tr>${rows.join('')}</table>`,
    );
  }
  sections.push(`<h2>Figures</h2>${figuresTable(result.figures.run, result.figures.window)}`);
  if (result.series) {
    const start = result.seriesStart ? Date.parse(result.seriesStart) / 1000 : 0;
    const window =
      result.window.startTime && result.window.endTime
        ? {
            from: Date.parse(result.window.startTime) / 1000 - start,
            to: Date.parse(result.window.endTime) / 1000 - start,
          }
        : undefined;
    sections.push(`<h2>Over time</h2>${charts(result.series, window)}`);
  }
  sections.push(breakdownTable(`By ${result.breakdownTag}`, result.byName));
  sections.push(breakdownTable('By scenario', result.byScenario));
  sections.push(metricsTable(result.metrics));
  if (result.thresholds.length > 0) {
    const rows = result.thresholds.map(
      (threshold) =>
        `<tr><td>${escapeHtml(threshold.metric)}</td><td>${escapeHtml(threshold.expression)}</td><td>${formatNumber(threshold.observed, 3)}</td><td class="${threshold.ok ? 'pass' : 'fail'}">${threshold.ok ? 'passed' : 'failed'}</td></tr>`,
    );
    sections.push(
      `<h2>Thresholds</h2><table><tr><th>metric</th><th>expression</th><th>observed</th><th></th></tr>${rows.join('')}</table>`,
    );
  }
  if (result.baseline) {
    const rows = result.baseline.comparisons.map(
      (comparison) =>
        `<tr><td>${escapeHtml(comparison.figure)}</td><td>${formatNumber(comparison.baseline, 3)}</td><td>${formatNumber(comparison.current, 3)}</td><td>${formatChange(comparison.changePercent)}</td><td class="${comparison.regression ? 'fail' : 'pass'}">${comparison.regression ? 'regression' : 'ok'}</td></tr>`,
    );
    sections.push(
      `<h2>Against baseline (tolerance ${result.baseline.tolerancePercent}%)</h2><table><tr><th>figure</th><th>baseline</th><th>current</th><th>change</th><th></th></tr>${rows.join('')}</table>`,
    );
  }
  if (result.warnings.length > 0) {
    const rows = result.warnings.map(
      (warning) =>
        `<tr><td>${escapeHtml(warning.file)}</td><td>${escapeHtml(warning.kind)}</td><td>${warning.count}</td><td>${warning.firstLine ?? ''}</td><td>${escapeHtml(warning.message)}</td></tr>`,
    );
    sections.push(
      `<h2>Input warnings</h2><table><tr><th>file</th><th>kind</th><th>count</th><th>first line</th><th>message</th></tr>${rows.join('')}</table>`,
    );
  }
  sections.push(`<h2>Summary text</h2><pre>${escapeHtml(renderMarkdown(result))}</pre>`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>k6 analysis</title><style>${STYLE}</style></head><body>${sections.join('\n')}</body></html>\n`;
}

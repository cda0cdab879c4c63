#!/usr/bin/env -S npx tsx
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isPerfplaneError, PerfplaneError } from '@perfplane/core';
import { type AnalyseOptions, analyse } from './analyse.js';
import { renderMarkdown } from './report/markdown.js';
import { writeReports } from './report/write.js';

const USAGE = `Usage: cli.ts report <files...> --out <dir> [options]

Analyses k6 results (--out json NDJSON or .gz, --out csv, --summary-export,
handleSummary JSON, machine-readable summary) of one run, merging parallel
runners' files, and writes result.json, summary.md and report.html.

Options:
  --out <dir>               folder for the reports (required)
  --target-tps <n>          completed transfers a second the run must sustain
  --target-p95-ms <ms>      p95 latency limit in milliseconds
  --target-error-rate <r>   largest failed share, 0 to 1
  --environment <file>      JSON with a "target" {tps, p95Ms, maxErrorRate}
  --baseline <result.json>  earlier result to compare with
  --tolerance <percent>     regression tolerance, default 5
  --trim <fraction>         share trimmed at each end, default 0.1
  --trim-start <s>          seconds of warm-up to trim
  --trim-end <s>            seconds of cool-down to trim
  --tps-metric <name>       counter of completed transfers
  --transfer-scenario <s>   scenario whose iterations are transfers
  --latency-metric <name>   trend for latency figures, default http_req_duration
  --breakdown-tag <tag>     tag naming a flow, default name
  --threshold <sel=expr>    extra threshold, e.g. 'http_req_duration{name:quote}=p(95)<500'
  --generator-health <f>    JSON with maxCpuPercent or samples[].cpuPercent
  --k6-log <file>           k6 console output to scan for saturation warnings
  --dropped-tolerance <r>   dropped iterations allowed as a share, default 0.001

Exit status: 0 when the run is valid and meets the target (or no target),
1 when it misses the target or is invalid, other codes for bad input.`;

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) {
    throw new PerfplaneError('InvalidArgument', `--${name} "${value}" is not a number`);
  }
  return parsed;
}

async function targetFrom(
  values: Partial<
    Record<'environment' | 'target-tps' | 'target-p95-ms' | 'target-error-rate', string>
  >,
): Promise<AnalyseOptions['environment']> {
  if (values.environment) {
    const parsed = JSON.parse(
      await readFile(values.environment, 'utf8'),
    ) as AnalyseOptions['environment'];
    return parsed;
  }
  const tps = numberOption(values['target-tps'], 'target-tps');
  const p95Ms = numberOption(values['target-p95-ms'], 'target-p95-ms');
  const maxErrorRate = numberOption(values['target-error-rate'], 'target-error-rate');
  if (tps === undefined && p95Ms === undefined && maxErrorRate === undefined) return undefined;
  if (tps === undefined || p95Ms === undefined || maxErrorRate === undefined) {
    throw new PerfplaneError(
      'InvalidArgument',
      'a target needs all of --target-tps, --target-p95-ms and --target-error-rate',
    );
  }
  return { target: { tps, p95Ms, maxErrorRate } };
}

function thresholdsFrom(entries: string[] | undefined): Record<string, string[]> {
  const thresholds: Record<string, string[]> = {};
  for (const entry of entries ?? []) {
    const match = /^(.+?)=((?:avg|min|max|med|count|rate|value|p\().*)$/.exec(entry);
    if (!match) {
      throw new PerfplaneError(
        'InvalidArgument',
        `--threshold "${entry}" must look like metric{tag:value}=p(95)<500`,
      );
    }
    const [, selector = '', expression = ''] = match;
    const list = thresholds[selector] ?? [];
    list.push(expression);
    thresholds[selector] = list;
  }
  return thresholds;
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      'target-tps': { type: 'string' },
      'target-p95-ms': { type: 'string' },
      'target-error-rate': { type: 'string' },
      environment: { type: 'string' },
      baseline: { type: 'string' },
      tolerance: { type: 'string' },
      trim: { type: 'string' },
      'trim-start': { type: 'string' },
      'trim-end': { type: 'string' },
      'tps-metric': { type: 'string' },
      'transfer-scenario': { type: 'string' },
      'latency-metric': { type: 'string' },
      'breakdown-tag': { type: 'string' },
      threshold: { type: 'string', multiple: true },
      'generator-health': { type: 'string' },
      'k6-log': { type: 'string' },
      'dropped-tolerance': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...files] = positionals;
  if (values.help || command !== 'report') {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (!values.out) throw new PerfplaneError('InvalidArgument', '--out <dir> is required');
  const result = await analyse({
    files,
    environment: await targetFrom(values),
    baseline: values.baseline,
    regressionTolerancePercent: numberOption(values.tolerance, 'tolerance'),
    window: {
      trimFraction: numberOption(values.trim, 'trim'),
      trimStartSeconds: numberOption(values['trim-start'], 'trim-start'),
      trimEndSeconds: numberOption(values['trim-end'], 'trim-end'),
    },
    tpsMetric: values['tps-metric'],
    transferScenario: values['transfer-scenario'],
    latencyMetric: values['latency-metric'],
    breakdownTag: values['breakdown-tag'],
    thresholds: thresholdsFrom(values.threshold),
    generatorHealth: values['generator-health'],
    k6Log: values['k6-log'],
    droppedTolerance: numberOption(values['dropped-tolerance'], 'dropped-tolerance'),
  });
  const written = await writeReports(result, values.out);
  process.stdout.write(renderMarkdown(result));
  process.stdout.write(`\nwrote ${written.html}, ${written.markdown}, ${written.json}\n`);
  const failed = !result.validity.valid || result.verdict.pass === false;
  return failed ? 1 : 0;
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (isPerfplaneError(error)) {
        process.stderr.write(`error ${error.code}: ${error.message}\n`);
        process.exitCode = error.exitCode;
      } else {
        process.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`);
        process.exitCode = 70;
      }
    },
  );
}

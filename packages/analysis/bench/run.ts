import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateNdjson } from './generate.js';

/**
 * Benchmark of the analysis: generates k6-shaped NDJSON in a temporary
 * folder, then times this package against jq and a readline + JSON.parse
 * loop on the same file, a gzipped copy, and the same volume split into
 * runner files. Prints a Markdown table and deletes the files.
 *
 *   npx tsx packages/analysis/bench/run.ts --size 1G [--runners 4] [--skip-jq]
 */

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '200M' },
    runners: { type: 'string', default: '4' },
    'skip-jq': { type: 'boolean', default: false },
    'skip-runners': { type: 'boolean', default: false },
    dir: { type: 'string' },
  },
});

function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([KMG]?)$/i.exec(text);
  if (!match) throw new Error(`--size ${text} is not a size like 500M or 1G`);
  const unit = { '': 1, K: 1e3, M: 1e6, G: 1e9 }[(match[2] ?? '').toUpperCase()] ?? 1;
  return Math.round(Number(match[1]) * unit);
}

const here = import.meta.dirname;
const tsx = join(here, '..', '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs');

interface ChildFigures {
  seconds: number;
  maxRssMb: number;
}

function runNode(script: string, args: string[]): ChildFigures & { wall: number } {
  const started = performance.now();
  const output = execFileSync(process.execPath, ['--import', tsx, join(here, script), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const wall = (performance.now() - started) / 1000;
  const figures = JSON.parse(output.trim().split('\n').pop() ?? '{}') as ChildFigures;
  return { ...figures, wall };
}

function timeShell(command: string): number {
  const started = performance.now();
  const result = spawnSync('bash', ['-c', command], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} failed with status ${result.status}`);
  return (performance.now() - started) / 1000;
}

const rows: string[][] = [];
const record = (what: string, seconds: number, bytes: number, rssMb: number | null, note = '') => {
  rows.push([
    what,
    seconds.toFixed(2),
    (bytes / 1e6 / seconds).toFixed(0),
    rssMb === null ? '' : rssMb.toFixed(0),
    note,
  ]);
  console.error(
    `${what}: ${seconds.toFixed(2)} s, ${(bytes / 1e6 / seconds).toFixed(0)} MB/s ${note}`,
  );
};

const size = parseSize(values.size ?? '200M');
const dir = mkdtempSync(join(values.dir ?? tmpdir(), 'perfplane-bench-'));
const loadBefore = loadavg();
try {
  const file = join(dir, 'run.ndjson');
  const generated = await generateNdjson(file, size, { seed: 1 });
  const bytes = statSync(file).size;
  console.error(
    `generated ${bytes} bytes, ${generated.lines} lines, ${generated.requests} requests`,
  );
  timeShell(`cat ${file} > /dev/null`);

  const ours = runNode('analyse-one.ts', [file]);
  record(
    'perfplane analyse (NDJSON)',
    ours.seconds,
    bytes,
    ours.maxRssMb,
    `process wall ${ours.wall.toFixed(2)} s`,
  );
  const loop = runNode('json-parse-loop.ts', [file]);
  record('readline + JSON.parse loop', loop.seconds, bytes, loop.maxRssMb);
  if (!values['skip-jq']) {
    const jq = timeShell(
      `jq -c 'select(.type=="Point") | [.metric, .data.time, .data.value, .data.tags.name, .data.tags.status]' ${file} > /dev/null`,
    );
    record('jq (same fields)', jq, bytes, null);
  }

  const gz = `${file}.gz`;
  timeShell(`gzip -1 -c ${file} > ${gz}`);
  timeShell(`cat ${gz} > /dev/null`);
  const gunzip = timeShell(`gzip -dc ${gz} > /dev/null`);
  record('gzip -dc alone', gunzip, bytes, null, `${statSync(gz).size} bytes compressed`);
  const oursGz = runNode('analyse-one.ts', [gz, '--gzip-pipe']);
  record(
    'perfplane analyse (.gz, gzip -dc pipe)',
    oursGz.seconds,
    bytes,
    oursGz.maxRssMb,
    `${(oursGz.seconds / gunzip).toFixed(2)}x gunzip`,
  );
  const oursZlib = runNode('analyse-one.ts', [gz]);
  record(
    'perfplane analyse (.gz, zlib)',
    oursZlib.seconds,
    bytes,
    oursZlib.maxRssMb,
    `${(oursZlib.seconds / gunzip).toFixed(2)}x gunzip`,
  );
  rmSync(gz);
  rmSync(file);

  if (!values['skip-runners']) {
    const runners = Number(values.runners);
    const files: string[] = [];
    for (let index = 0; index < runners; index++) {
      const path = join(dir, `runner-${index}.ndjson`);
      await generateNdjson(path, Math.round(size / runners), { seed: index + 10 });
      files.push(path);
    }
    const total = files.reduce((sum, path) => sum + statSync(path).size, 0);
    timeShell(`cat ${files.join(' ')} > /dev/null`);
    const parallel = runNode('analyse-one.ts', files);
    record(
      `perfplane analyse (${runners} runner files, worker threads)`,
      parallel.seconds,
      total,
      parallel.maxRssMb,
    );
    const serial = runNode('analyse-one.ts', [...files, '--serial']);
    record(
      `perfplane analyse (${runners} runner files, one thread)`,
      serial.seconds,
      total,
      serial.maxRssMb,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const loadAfter = loadavg();
console.log(
  `size ${values.size}, ${cpus().length} cores (${cpus()[0]?.model ?? ''}), load average before ${loadBefore.map((v) => v.toFixed(2)).join(' ')}, after ${loadAfter.map((v) => v.toFixed(2)).join(' ')}\n`,
);
console.log('| run | seconds | MB/s | peak RSS (MB) | note |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);

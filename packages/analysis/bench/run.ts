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
  /** User plus system CPU time, which contention from other processes inflates far less than wall time. */
  cpuSeconds: number;
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

/** Runs a shell command; returns wall seconds and the CPU seconds bash's `time` reports. */
function timeShell(command: string): { wall: number; cpu: number } {
  const started = performance.now();
  const result = spawnSync('bash', ['-c', `TIMEFORMAT='%U %S'; time (${command})`], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`${command} failed with status ${result.status}: ${result.stderr}`);
  const [user = 0, system = 0] =
    result.stderr.trim().split('\n').pop()?.split(' ').map(Number) ?? [];
  return { wall: (performance.now() - started) / 1000, cpu: user + system };
}

const rows: string[][] = [];

/** Adds a table row: wall time, MB/s of wall time, CPU time and MB per CPU second. */
function record(
  what: string,
  timing: { wall: number; cpu: number },
  bytes: number,
  rssMb: number | null,
  note = '',
): void {
  const perWall = bytes / 1e6 / timing.wall;
  const perCpu = bytes / 1e6 / timing.cpu;
  const rss = rssMb === null ? '' : rssMb.toFixed(0);
  rows.push([
    what,
    timing.wall.toFixed(2),
    perWall.toFixed(0),
    timing.cpu.toFixed(2),
    perCpu.toFixed(0),
    rss,
    note,
  ]);
  console.error(
    `${what}: ${timing.wall.toFixed(2)} s, ${perWall.toFixed(0)} MB/s, ${perCpu.toFixed(0)} MB per CPU s ${note}`,
  );
}

const childTiming = (figures: ChildFigures) => ({ wall: figures.seconds, cpu: figures.cpuSeconds });

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
  record('perfplane analyse (NDJSON)', childTiming(ours), bytes, ours.maxRssMb);
  const loop = runNode('json-parse-loop.ts', [file]);
  record('readline + JSON.parse loop', childTiming(loop), bytes, loop.maxRssMb);
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
  // The pipe mode's gzip child is not in the child's CPU figure, so only its wall time compares.
  const oursPipe = runNode('analyse-one.ts', [gz, '--gzip-pipe']);
  record(
    'perfplane analyse (.gz, gzip -dc pipe)',
    childTiming(oursPipe),
    bytes,
    oursPipe.maxRssMb,
    `${(oursPipe.seconds / gunzip.wall).toFixed(2)}x gunzip wall`,
  );
  const oursZlib = runNode('analyse-one.ts', [gz]);
  const cpuRatio = oursZlib.cpuSeconds / (gunzip.cpu + ours.cpuSeconds);
  record(
    'perfplane analyse (.gz, zlib)',
    childTiming(oursZlib),
    bytes,
    oursZlib.maxRssMb,
    `${(oursZlib.seconds / gunzip.wall).toFixed(2)}x gunzip wall; CPU ${cpuRatio.toFixed(2)}x (gunzip + plain analysis)`,
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
      childTiming(parallel),
      total,
      parallel.maxRssMb,
    );
    const serial = runNode('analyse-one.ts', [...files, '--serial']);
    record(
      `perfplane analyse (${runners} runner files, one thread)`,
      childTiming(serial),
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
console.log('| run | wall s | MB/s wall | CPU s | MB per CPU s | peak RSS (MB) | note |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);

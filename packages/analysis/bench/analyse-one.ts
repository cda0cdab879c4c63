import { analyse } from '../src/index.js';

/**
 * Child process of the benchmark: analyses the given files and prints one
 * JSON line with the wall time and this process's peak RSS.
 */
const args = process.argv.slice(2);
const gunzip = args.includes('--gzip-pipe') ? 'subprocess' : 'zlib';
const parallel = !args.includes('--serial');
const files = args.filter((arg) => !arg.startsWith('--'));
const started = performance.now();
const cpuBefore = process.cpuUsage();
const result = await analyse({ files, gunzip, parallel });
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(
  `${JSON.stringify({
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    requests: result.figures.run.requests,
    p95: result.figures.run.latency.p95,
    warnings: result.warnings.length,
  })}\n`,
);

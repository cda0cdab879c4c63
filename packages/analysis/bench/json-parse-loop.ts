import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * The plain baseline: readline plus JSON.parse per line, summing the value
 * of each Point and counting names, which is the least any analysis does.
 */
const started = performance.now();
const cpuBefore = process.cpuUsage();
const lines = createInterface({
  input: createReadStream(process.argv[2] as string),
  crlfDelay: Infinity,
});
let points = 0;
let sum = 0;
const names = new Map<string, number>();
for await (const line of lines) {
  if (line === '') continue;
  const record = JSON.parse(line) as {
    type: string;
    metric: string;
    data: { value: number; time: string; tags?: Record<string, string> };
  };
  if (record.type !== 'Point') continue;
  points++;
  sum += record.data.value;
  const name = record.data.tags?.name ?? '';
  names.set(name, (names.get(name) ?? 0) + 1);
}
process.stdout.write(
  `${JSON.stringify({ seconds: (performance.now() - started) / 1000, cpuSeconds: ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpuBefore)), maxRssMb: process.resourceUsage().maxRSS / 1024, points, sum })}\n`,
);

import { parentPort, workerData } from 'node:worker_threads';
import type { AccumulatorOptions } from './accumulator.js';
import { readSampleFile } from './readers/index.js';
import type { GunzipMode } from './readers/source.js';

/** Worker-thread entry: reads one sample file and posts back the encoded accumulator. */
interface WorkerInput {
  path: string;
  format: 'ndjson' | 'csv';
  options: AccumulatorOptions;
  gunzip?: GunzipMode;
}

const input = workerData as WorkerInput;
try {
  const result = await readSampleFile(input.path, input.format, input.options, input.gunzip);
  parentPort?.postMessage({
    ok: true,
    encoded: result.accumulator.encode(),
    lines: result.lines,
    bytes: result.bytes,
  });
} catch (error) {
  parentPort?.postMessage({ ok: false, message: (error as Error).message });
}

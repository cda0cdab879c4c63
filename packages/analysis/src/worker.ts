import { parentPort } from 'node:worker_threads';
import type { AccumulatorOptions } from './accumulator.js';
import { readSampleFile } from './readers/index.js';
import type { GunzipMode } from './readers/source.js';

/**
 * Worker-thread entry: reads each sample file it is sent and posts back the
 * encoded accumulator, or the error message. One worker reads many files in
 * turn, so its start-up cost is paid once per thread.
 */
export interface WorkerJob {
  path: string;
  format: 'ndjson' | 'csv';
  options: AccumulatorOptions;
  gunzip?: GunzipMode;
}

parentPort?.on('message', (job: WorkerJob) => {
  readSampleFile(job.path, job.format, job.options, job.gunzip).then(
    (result) => {
      parentPort?.postMessage({
        ok: true,
        encoded: result.accumulator.encode(),
        lines: result.lines,
        bytes: result.bytes,
      });
    },
    (error: unknown) => {
      parentPort?.postMessage({ ok: false, message: (error as Error).message });
    },
  );
});

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AccumulatorOptions, EncodedAccumulator } from './accumulator.js';
import { readSampleFile } from './readers/index.js';
import type { GunzipMode } from './readers/source.js';

export interface FileJob {
  path: string;
  format: 'ndjson' | 'csv';
}

export interface FileOutcome {
  path: string;
  format: 'ndjson' | 'csv';
  encoded: EncodedAccumulator;
  lines: number;
  bytes: number;
}

function runWorker(
  job: FileJob,
  options: AccumulatorOptions,
  gunzip: GunzipMode | undefined,
): Promise<FileOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
      workerData: { path: job.path, format: job.format, options, gunzip },
    });
    worker.once('message', (message: { ok: boolean; message?: string } & Partial<FileOutcome>) => {
      if (message.ok && message.encoded) {
        resolve({
          ...job,
          encoded: message.encoded,
          lines: message.lines ?? 0,
          bytes: message.bytes ?? 0,
        });
      } else {
        reject(new Error(message.message ?? 'worker failed'));
      }
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

async function readInThread(
  job: FileJob,
  options: AccumulatorOptions,
  gunzip: GunzipMode | undefined,
): Promise<FileOutcome> {
  const result = await readSampleFile(job.path, job.format, options, gunzip);
  return { ...job, encoded: result.accumulator.encode(), lines: result.lines, bytes: result.bytes };
}

/**
 * Reads sample files, one worker thread per file and at most one per core,
 * so runner files parse in parallel. A single file is read on this thread.
 */
export async function readSampleFiles(
  jobs: FileJob[],
  options: AccumulatorOptions,
  settings: { parallel: boolean; gunzip?: GunzipMode },
): Promise<FileOutcome[]> {
  if (!settings.parallel || jobs.length < 2) {
    const outcomes: FileOutcome[] = [];
    for (const job of jobs) outcomes.push(await readInThread(job, options, settings.gunzip));
    return outcomes;
  }
  const limit = Math.max(1, Math.min(jobs.length, availableParallelism()));
  const outcomes = new Array<FileOutcome>(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const index = next++;
      const job = jobs[index] as FileJob;
      outcomes[index] = await runWorker(job, options, settings.gunzip);
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
  return outcomes;
}

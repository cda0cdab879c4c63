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
  lines: number;
  bytes: number;
}

interface EncodedOutcome extends FileOutcome {
  encoded: EncodedAccumulator;
}

function runWorker(
  job: FileJob,
  options: AccumulatorOptions,
  gunzip: GunzipMode | undefined,
): Promise<EncodedOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
      workerData: { path: job.path, format: job.format, options, gunzip },
    });
    worker.once(
      'message',
      (message: { ok: boolean; message?: string } & Partial<EncodedOutcome>) => {
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
      },
    );
    worker.once('error', reject);
  });
}

async function readInThread(
  job: FileJob,
  options: AccumulatorOptions,
  gunzip: GunzipMode | undefined,
): Promise<EncodedOutcome> {
  const result = await readSampleFile(job.path, job.format, options, gunzip);
  return { ...job, encoded: result.accumulator.encode(), lines: result.lines, bytes: result.bytes };
}

function summary(outcome: EncodedOutcome): FileOutcome {
  return { path: outcome.path, format: outcome.format, lines: outcome.lines, bytes: outcome.bytes };
}

/**
 * Reads sample files, one worker thread per file and at most one per core,
 * so runner files parse in parallel. A single file is read on this thread.
 * `consume` receives each file's results in the order of `jobs` as soon as
 * they and all earlier ones are read, so only results not yet consumed are
 * held in memory.
 */
export async function readSampleFiles(
  jobs: FileJob[],
  options: AccumulatorOptions,
  settings: { parallel: boolean; gunzip?: GunzipMode },
  consume: (encoded: EncodedAccumulator) => void,
): Promise<FileOutcome[]> {
  if (!settings.parallel || jobs.length < 2) {
    const outcomes: FileOutcome[] = [];
    for (const job of jobs) {
      const outcome = await readInThread(job, options, settings.gunzip);
      consume(outcome.encoded);
      outcomes.push(summary(outcome));
    }
    return outcomes;
  }
  const limit = Math.max(1, Math.min(jobs.length, availableParallelism()));
  const outcomes = new Array<FileOutcome>(jobs.length);
  const ready = new Map<number, EncodedOutcome>();
  let consumed = 0;
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const index = next++;
      const job = jobs[index] as FileJob;
      ready.set(index, await runWorker(job, options, settings.gunzip));
      for (let outcome = ready.get(consumed); outcome; outcome = ready.get(consumed)) {
        ready.delete(consumed);
        consume(outcome.encoded);
        outcomes[consumed] = summary(outcome);
        consumed++;
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
  return outcomes;
}

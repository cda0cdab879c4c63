import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import type { Accumulator, AccumulatorOptions, EncodedAccumulator } from './accumulator.js';
import { readSampleFile } from './readers/index.js';
import type { GunzipMode } from './readers/source.js';
import type { WorkerJob } from './worker.js';

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
  /** A file read on this thread keeps its accumulator, which spares a copy. */
  encoded: EncodedAccumulator | Accumulator;
}

/**
 * Young-generation limit of each worker. Parsing leaves little garbage that
 * survives a scavenge, so 8 MB instead of V8's default (up to 48 MB on
 * 64-bit Node 20) cost no measurable CPU time and saved about 25 MB of RSS
 * with two workers in bench/run.ts.
 */
const WORKER_YOUNG_GENERATION_MB = 8;

let workerSource: Promise<string> | undefined;

/**
 * Bundles worker.ts and its imports into one CommonJS script, once per
 * process. A worker started from TypeScript through tsx compiles every
 * module again and starts its own loader thread, which cost about 0.8 CPU
 * seconds and 45 MB of memory per worker (measured on Node 20); the bundle
 * takes a fraction of a second to build and starts like plain JavaScript.
 */
function bundleWorker(): Promise<string> {
  workerSource ??= build({
    entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  }).then((result) => {
    const output = result.outputFiles[0];
    if (!output) throw new Error('bundling the analysis worker produced no output');
    return output.text;
  });
  return workerSource;
}

interface WorkerReply extends Partial<EncodedOutcome> {
  ok: boolean;
  message?: string;
}

/** Sends one job to an idle worker and waits for its reply. */
function runOnWorker(worker: Worker, job: FileJob, input: WorkerJob): Promise<EncodedOutcome> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      reject(error);
    };
    const onExit = (code: number) => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      reject(new Error(`the worker reading ${job.path} exited with code ${code}`));
    };
    const onMessage = (message: WorkerReply) => {
      worker.off('error', onError);
      worker.off('exit', onExit);
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
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.postMessage(input);
  });
}

async function readInThread(
  job: FileJob,
  options: AccumulatorOptions,
  gunzip: GunzipMode | undefined,
): Promise<EncodedOutcome> {
  const result = await readSampleFile(job.path, job.format, options, gunzip);
  return { ...job, encoded: result.accumulator, lines: result.lines, bytes: result.bytes };
}

function summary(outcome: EncodedOutcome): FileOutcome {
  return { path: outcome.path, format: outcome.format, lines: outcome.lines, bytes: outcome.bytes };
}

/**
 * Reads sample files in parallel on this thread and on worker threads, at
 * most one thread per core, each reading files in turn. A single file is
 * read on this thread only.
 * `consume` receives each file's results in the order of `jobs` as soon as
 * they and all earlier ones are read, so only results not yet consumed are
 * held in memory.
 */
export async function readSampleFiles(
  jobs: FileJob[],
  options: AccumulatorOptions,
  settings: { parallel: boolean; gunzip?: GunzipMode },
  consume: (encoded: EncodedAccumulator | Accumulator) => void,
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
  const source = await bundleWorker();
  const collect = (index: number, outcome: EncodedOutcome) => {
    ready.set(index, outcome);
    for (let done = ready.get(consumed); done; done = ready.get(consumed)) {
      ready.delete(consumed);
      consume(done.encoded);
      outcomes[consumed] = summary(done);
      consumed++;
    }
  };
  // This thread reads files too, so only limit - 1 workers start: each
  // worker costs its own heap, and this thread would otherwise sit idle.
  const lane = async (onThisThread: boolean) => {
    const worker = onThisThread
      ? undefined
      : new Worker(source, {
          eval: true,
          resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
        });
    try {
      while (next < jobs.length) {
        const index = next++;
        const job = jobs[index] as FileJob;
        const outcome = worker
          ? await runOnWorker(worker, job, { ...job, options, gunzip: settings.gunzip })
          : await readInThread(job, options, settings.gunzip);
        collect(index, outcome);
      }
    } catch (error) {
      // Leave the remaining files unread: the analysis fails as a whole.
      next = jobs.length;
      throw error;
    } finally {
      await worker?.terminate();
    }
  };
  await Promise.all(Array.from({ length: limit }, (_, index) => lane(index === 0)));
  return outcomes;
}

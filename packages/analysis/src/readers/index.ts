import { open, readFile, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { PerfplaneError } from '@perfplane/core';
import { Accumulator, type AccumulatorOptions } from '../accumulator.js';
import { readCsv } from './csv.js';
import { readNdjson } from './ndjson.js';
import type { GunzipMode } from './source.js';
import { parseSummary, type SummaryInput } from './summary.js';

export type InputFormat = 'ndjson' | 'csv' | 'summary-export' | 'handle-summary' | 'summary-v1';

const SNIFF_BYTES = 64 * 1024;
const SUMMARY_MAX_BYTES = 256 * 1024 * 1024;

async function firstBytes(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    const head = buffer.subarray(0, bytesRead);
    if (!path.endsWith('.gz') || bytesRead === 0) return head;
    const { createGunzip } = await import('node:zlib');
    return await new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      const gunzip = createGunzip();
      gunzip.on('data', (part: Buffer) => parts.push(part));
      gunzip.on('error', () => resolve(Buffer.concat(parts)));
      gunzip.on('end', () => resolve(Buffer.concat(parts)));
      gunzip.end(head);
    });
  } finally {
    await handle.close();
  }
}

/** Tells an input's format from its first bytes; `sample` formats stream, summaries load whole. */
export async function detectFormat(path: string): Promise<'ndjson' | 'csv' | 'summary' | 'empty'> {
  let head: Buffer;
  try {
    head = await firstBytes(path);
  } catch (error) {
    throw new PerfplaneError(
      'NotFound',
      `cannot read ${path}: ${(error as Error).message}; check the path`,
      {
        cause: error,
      },
    );
  }
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') return 'empty';
  if (text.startsWith('metric_name,') || /^[a-z_]+,[a-z_]+,/.test(text.split('\n')[0] ?? '')) {
    return 'csv';
  }
  const firstLine = (text.split('\n')[0] ?? '').trim();
  try {
    const parsed = JSON.parse(firstLine) as { type?: unknown };
    if (parsed && (parsed.type === 'Metric' || parsed.type === 'Point')) return 'ndjson';
  } catch {
    // A pretty-printed summary spans lines; its first line is not a whole document.
  }
  if (/^\s*\{\s*"(type|metric|data)"/.test(firstLine)) return 'ndjson';
  return 'summary';
}

export async function readSummaryFile(path: string): Promise<SummaryInput> {
  const size = (await stat(path)).size;
  if (size > SUMMARY_MAX_BYTES) {
    throw new PerfplaneError(
      'InvalidArgument',
      `${path} is ${size} bytes, too large for a k6 summary; pass the --out json or csv output instead`,
    );
  }
  const raw = await readFile(path);
  const text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new PerfplaneError(
      'InvalidArgument',
      `${path} is neither k6 NDJSON, k6 CSV nor a JSON summary: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const summary = parseSummary(path, document);
  if (!summary) {
    throw new PerfplaneError(
      'InvalidArgument',
      `${path} is JSON but not a k6 summary (no "metrics" object or versioned "results")`,
    );
  }
  return summary;
}

export interface SampleFileResult {
  accumulator: Accumulator;
  format: 'ndjson' | 'csv';
  lines: number;
  bytes: number;
}

/** Streams one NDJSON or CSV file into a fresh accumulator. */
export async function readSampleFile(
  path: string,
  format: 'ndjson' | 'csv',
  options: AccumulatorOptions,
  gunzip?: GunzipMode,
): Promise<SampleFileResult> {
  const accumulator = new Accumulator(options);
  accumulator.file = path;
  try {
    const result =
      format === 'ndjson'
        ? await readNdjson(path, accumulator, accumulator.warnings, { gunzip })
        : await readCsv(path, accumulator, accumulator.warnings, { gunzip });
    return { accumulator, format, lines: result.lines, bytes: result.bytes };
  } catch (error) {
    if (error instanceof PerfplaneError) throw error;
    throw new PerfplaneError(
      'InvalidArgument',
      `cannot read ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

import { spawn } from 'node:child_process';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';

const CHUNK_BYTES = 1 << 20;
const FILE_CHUNK_BYTES = 4 << 20;

export type GunzipMode = 'subprocess' | 'zlib';

/**
 * Byte chunks of a file, gunzipped when the name ends in `.gz`. The
 * `subprocess` mode pipes through `gzip -dc`, which decompresses on another
 * core while this thread parses; `zlib` keeps everything in-process.
 */
export async function* readChunks(
  path: string,
  gunzip: GunzipMode = 'zlib',
): AsyncGenerator<Buffer> {
  if (!path.endsWith('.gz')) {
    yield* createReadStream(path, { highWaterMark: CHUNK_BYTES });
    return;
  }
  if (gunzip === 'zlib') {
    const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES }).pipe(
      createGunzip({ chunkSize: CHUNK_BYTES }),
    );
    yield* stream;
    return;
  }
  yield* gunzipWithSubprocess(path);
}

async function* gunzipWithSubprocess(path: string): AsyncGenerator<Buffer> {
  const child = spawn('gzip', ['-dc', '--', path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr += text.slice(0, 2000);
  });
  const exit = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  try {
    yield* child.stdout;
  } finally {
    if (child.exitCode === null) child.kill();
  }
  const code = await exit;
  if (code !== 0 && code !== null) {
    throw new Error(`gzip -dc failed with exit status ${code}: ${stderr.trim()}`);
  }
}

/**
 * Splits chunks into lines and calls `onLine(buffer, start, end, lineNumber)`
 * for each one, without the newline or a trailing carriage return. The last
 * line is reported with `complete` false when the file does not end in a newline.
 */
export async function forEachLine(
  chunks: AsyncIterable<Buffer>,
  onLine: (buffer: Buffer, start: number, end: number, line: number, complete: boolean) => void,
  onChunk?: (buffer: Buffer) => void,
): Promise<{ lines: number; bytes: number }> {
  let carry: Buffer | undefined;
  let line = 0;
  let bytes = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const processPending = () => {
    const parts = carry ? [carry, ...pending] : pending;
    const buffer = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    pending = [];
    pendingBytes = 0;
    onChunk?.(buffer);
    let start = 0;
    let newline = buffer.indexOf(10, start);
    while (newline !== -1) {
      line++;
      const end = newline > start && buffer[newline - 1] === 13 ? newline - 1 : newline;
      onLine(buffer, start, end, line, true);
      start = newline + 1;
      newline = buffer.indexOf(10, start);
    }
    carry = start < buffer.length ? buffer.subarray(start) : undefined;
  };
  // Pipes deliver 64 KiB chunks; joining them into 1 MiB batches keeps the
  // per-batch costs (partial-line copy, escape search) small.
  for await (const chunk of chunks) {
    bytes += chunk.length;
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= CHUNK_BYTES) processPending();
  }
  if (pending.length > 0) processPending();
  if (carry && carry.length > 0) {
    line++;
    onChunk?.(carry);
    onLine(carry, 0, carry.length, line, false);
  }
  return { lines: line, bytes };
}

type LineHandler = (
  buffer: Buffer,
  start: number,
  end: number,
  line: number,
  complete: boolean,
) => void;

/**
 * Like forEachLine over readChunks, but a plain file is read with
 * synchronous reads into one reused buffer: each read lands after the
 * previous partial line, moved to the front. That saves a copy per chunk,
 * the stream machinery and a fresh 4 MiB allocation per chunk. `onLine`
 * must therefore copy any bytes it keeps past the next chunk. Reads come
 * from the page cache in practice; the event loop is blocked only per read.
 */
export async function forEachLineInFile(
  path: string,
  gunzip: GunzipMode | undefined,
  onLine: LineHandler,
  onChunk?: (buffer: Buffer) => void,
): Promise<{ lines: number; bytes: number }> {
  if (path.endsWith('.gz')) return forEachLine(readChunks(path, gunzip), onLine, onChunk);
  const fd = openSync(path, 'r');
  let line = 0;
  let bytes = 0;
  let buffer = Buffer.allocUnsafe(FILE_CHUNK_BYTES);
  let carryLength = 0;
  let chunks = 0;
  try {
    for (;;) {
      if (buffer.length - carryLength < FILE_CHUNK_BYTES) {
        // A line longer than a chunk: grow so that a whole chunk fits after it.
        const larger = Buffer.allocUnsafe(carryLength + FILE_CHUNK_BYTES);
        buffer.copy(larger, 0, 0, carryLength);
        buffer = larger;
      }
      const read = readSync(fd, buffer, carryLength, FILE_CHUNK_BYTES, null);
      if (read === 0) break;
      bytes += read;
      const filled = buffer.subarray(0, carryLength + read);
      onChunk?.(filled);
      let start = 0;
      let newline = filled.indexOf(10, start);
      while (newline !== -1) {
        line++;
        const end = newline > start && filled[newline - 1] === 13 ? newline - 1 : newline;
        onLine(filled, start, end, line, true);
        start = newline + 1;
        newline = filled.indexOf(10, start);
      }
      carryLength = filled.length - start;
      buffer.copyWithin(0, start, filled.length);
      // Let timers and worker messages run every 4 chunks (16 MiB), so a
      // worker's finished file is collected and it gets its next one soon.
      chunks++;
      if (chunks % 4 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    closeSync(fd);
  }
  if (carryLength > 0) {
    line++;
    const carry = buffer.subarray(0, carryLength);
    onChunk?.(carry);
    onLine(carry, 0, carry.length, line, false);
  }
  return { lines: line, bytes };
}

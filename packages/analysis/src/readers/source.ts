import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

const CHUNK_BYTES = 1 << 20;

export type GunzipMode = 'subprocess' | 'zlib';

/**
 * Byte chunks of a file, gunzipped when the name ends in `.gz`. The
 * `subprocess` mode pipes through `gzip -dc`, which decompresses on another
 * core while this thread parses; `zlib` keeps everything in-process.
 */
export async function* readChunks(
  path: string,
  gunzip: GunzipMode = 'subprocess',
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
  for await (const chunk of chunks) {
    bytes += chunk.length;
    const buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
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
  }
  if (carry && carry.length > 0) {
    line++;
    onChunk?.(carry);
    onLine(carry, 0, carry.length, line, false);
  }
  return { lines: line, bytes };
}

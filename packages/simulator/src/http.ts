import type { IncomingMessage, ServerResponse } from 'node:http';
import { FspiopError } from './fspiop-errors.js';

/** Largest request body accepted, in bytes. */
const MAX_BODY_BYTES = 1_000_000;

/** Reads and parses a JSON body; an empty body is `undefined`. Throws FspiopError 3101. */
export async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new FspiopError('3101', `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new FspiopError('3101', 'body is not valid JSON');
  }
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

export function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  contentType: string,
): void {
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** Sends an FSPIOP errorInformation body with the error's HTTP status. */
export function sendError(
  response: ServerResponse,
  error: unknown,
  contentType = 'application/json',
): void {
  const fspiopError = error instanceof FspiopError ? error : new FspiopError('2001', String(error));
  sendJson(response, fspiopError.httpStatus, fspiopError.toBody(), contentType);
}

/** Writes one JSON log line to stdout, with a fixed event name. */
export function log(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);
}

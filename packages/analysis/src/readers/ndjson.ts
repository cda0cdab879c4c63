import { isMetricType, type MetricDefinition, type SampleSink, type Tags } from '../model.js';
import { parseRfc3339 } from '../time.js';
import type { WarningLog } from '../warnings.js';
import { forEachLine, type GunzipMode, readChunks } from './source.js';

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

const KEY_TYPE = Buffer.from('type');
const KEY_METRIC = Buffer.from('metric');
const KEY_DATA = Buffer.from('data');
const KEY_TIME = Buffer.from('time');
const KEY_VALUE = Buffer.from('value');
const KEY_TAGS = Buffer.from('tags');
const KEY_METADATA = Buffer.from('metadata');
const WORD_POINT = Buffer.from('Point');
const WORD_NULL = Buffer.from('null');

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];

export interface ReadResult {
  lines: number;
  bytes: number;
  fastLines: number;
  slowLines: number;
}

function equalsAt(buffer: Buffer, start: number, end: number, word: Buffer): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    if (buffer[start + i] !== word[i]) return false;
  }
  return true;
}

/**
 * Parses one `Point` line straight from the bytes, with keys in any order.
 * Returns false, having reported nothing, when the line is anything else
 * (a Metric line, escapes, exponents, unexpected keys): the caller then
 * falls back to JSON.parse, so odd lines cost time but never change figures.
 * A line with a backslash never reaches this function.
 */
class PointScanner {
  metric = '';
  timeMs = 0;
  value = 0;
  tagsKey = '';
  private buffer: Buffer = Buffer.alloc(0);
  private pos = 0;
  private end = 0;

  scan(buffer: Buffer, start: number, end: number): boolean {
    this.buffer = buffer;
    this.pos = start;
    this.end = end;
    if (buffer[start] !== OPEN_BRACE) return false;
    this.pos++;
    let isPoint = false;
    let hasMetric = false;
    let hasData = false;
    for (;;) {
      const keyStart = this.pos + 1;
      const keyEnd = this.readStringEnd();
      if (keyEnd < 0 || buffer[keyEnd + 1] !== COLON) return false;
      this.pos = keyEnd + 2;
      if (equalsAt(buffer, keyStart, keyEnd, KEY_TYPE)) {
        const valueStart = this.pos + 1;
        const valueEnd = this.readStringEnd();
        if (valueEnd < 0 || !equalsAt(buffer, valueStart, valueEnd, WORD_POINT)) return false;
        this.pos = valueEnd + 1;
        isPoint = true;
      } else if (equalsAt(buffer, keyStart, keyEnd, KEY_METRIC)) {
        const valueStart = this.pos + 1;
        const valueEnd = this.readStringEnd();
        if (valueEnd < 0) return false;
        this.metric = buffer.toString('utf8', valueStart, valueEnd);
        this.pos = valueEnd + 1;
        hasMetric = true;
      } else if (equalsAt(buffer, keyStart, keyEnd, KEY_DATA)) {
        if (!this.scanData()) return false;
        hasData = true;
      } else {
        return false;
      }
      const next = buffer[this.pos];
      if (next === COMMA) {
        this.pos++;
        continue;
      }
      if (next === CLOSE_BRACE && this.pos + 1 === end) break;
      return false;
    }
    return isPoint && hasMetric && hasData;
  }

  /** Position of the closing quote of the string starting at pos, or -1. */
  private readStringEnd(): number {
    if (this.buffer[this.pos] !== QUOTE) return -1;
    const close = this.buffer.indexOf(QUOTE, this.pos + 1);
    return close < 0 || close >= this.end ? -1 : close;
  }

  private scanData(): boolean {
    const buffer = this.buffer;
    if (buffer[this.pos] !== OPEN_BRACE) return false;
    this.pos++;
    let hasTime = false;
    let hasValue = false;
    this.tagsKey = '';
    for (;;) {
      const keyStart = this.pos + 1;
      const keyEnd = this.readStringEnd();
      if (keyEnd < 0 || buffer[keyEnd + 1] !== COLON) return false;
      this.pos = keyEnd + 2;
      if (equalsAt(buffer, keyStart, keyEnd, KEY_TIME)) {
        const valueStart = this.pos + 1;
        const valueEnd = this.readStringEnd();
        if (valueEnd < 0) return false;
        this.timeMs = parseRfc3339(buffer.toString('latin1', valueStart, valueEnd));
        if (Number.isNaN(this.timeMs)) return false;
        this.pos = valueEnd + 1;
        hasTime = true;
      } else if (equalsAt(buffer, keyStart, keyEnd, KEY_VALUE)) {
        if (!this.scanNumber()) return false;
        hasValue = true;
      } else if (equalsAt(buffer, keyStart, keyEnd, KEY_TAGS)) {
        if (!this.scanFlatObject(true)) return false;
      } else if (equalsAt(buffer, keyStart, keyEnd, KEY_METADATA)) {
        if (!this.scanFlatObject(false)) return false;
      } else {
        return false;
      }
      const next = buffer[this.pos];
      if (next === COMMA) {
        this.pos++;
        continue;
      }
      if (next === CLOSE_BRACE) {
        this.pos++;
        break;
      }
      return false;
    }
    return hasTime && hasValue;
  }

  /**
   * Reads a decimal number the way Number() would: up to 15 significant digits
   * and a 10^22 divisor are exact in a double, so one division rounds
   * correctly. Anything longer, exponents included, goes to the slow path.
   */
  private scanNumber(): boolean {
    const buffer = this.buffer;
    let pos = this.pos;
    let negative = false;
    if (buffer[pos] === 45) {
      negative = true;
      pos++;
    }
    let mantissa = 0;
    let digits = 0;
    let fractionDigits = 0;
    let seenPoint = false;
    const first = pos;
    for (; pos < this.end; pos++) {
      const byte = buffer[pos] as number;
      if (byte >= 48 && byte <= 57) {
        mantissa = mantissa * 10 + (byte - 48);
        if (mantissa !== 0) digits++;
        if (seenPoint) fractionDigits++;
      } else if (byte === 46 && !seenPoint) {
        seenPoint = true;
      } else {
        break;
      }
    }
    if (pos === first || digits > 15 || fractionDigits > 22) return false;
    const next = buffer[pos];
    if (next !== COMMA && next !== CLOSE_BRACE) return false;
    const magnitude =
      fractionDigits === 0 ? mantissa : mantissa / (POW10[fractionDigits] as number);
    this.value = negative ? -magnitude : magnitude;
    this.pos = pos;
    return true;
  }

  /**
   * Skips a flat object of string values (or `null`) and, for tags, keeps its
   * text as the cache key. Strings contain no backslash here, so a brace
   * inside a string value leaves the quotes unbalanced and is rejected.
   */
  private scanFlatObject(keep: boolean): boolean {
    const buffer = this.buffer;
    const start = this.pos;
    if (buffer[start] === 110) {
      if (!equalsAt(buffer, start, start + 4, WORD_NULL)) return false;
      this.pos = start + 4;
      if (keep) this.tagsKey = '{}';
      return true;
    }
    if (buffer[start] !== OPEN_BRACE) return false;
    const close = buffer.indexOf(CLOSE_BRACE, start + 1);
    if (close < 0 || close >= this.end) return false;
    const after = buffer[close + 1];
    if (after !== COMMA && after !== CLOSE_BRACE) return false;
    if (keep) {
      this.tagsKey = buffer.toString('utf8', start, close + 1);
    } else {
      let quotes = 0;
      for (let i = start + 1; i < close; i++) {
        const byte = buffer[i];
        if (byte === QUOTE) quotes++;
        else if (byte === OPEN_BRACE && quotes % 2 === 0) return false;
      }
      if (quotes % 2 !== 0) return false;
    }
    this.pos = close + 1;
    return true;
  }
}

/**
 * Reads a k6 `--out json` file (NDJSON, optionally gzipped) into the sink.
 * Known point shapes take a byte-level fast path; every other line is
 * parsed with JSON.parse. Bad lines become counted warnings.
 */
export async function readNdjson(
  path: string,
  sink: SampleSink,
  warnings: WarningLog,
  options: { gunzip?: GunzipMode } = {},
): Promise<ReadResult> {
  const scanner = new PointScanner();
  let nextBackslash = -1;
  let currentBuffer: Buffer | undefined;
  let fastLines = 0;
  let slowLines = 0;

  const onChunk = (buffer: Buffer): void => {
    currentBuffer = buffer;
    nextBackslash = buffer.indexOf(BACKSLASH);
  };

  const onLine = (buffer: Buffer, start: number, end: number, line: number, complete: boolean) => {
    if (end <= start) return;
    if (buffer !== currentBuffer) onChunk(buffer);
    if (nextBackslash !== -1 && nextBackslash < start) {
      nextBackslash = buffer.indexOf(BACKSLASH, start);
    }
    const hasEscape = nextBackslash !== -1 && nextBackslash < end;
    if (!hasEscape && scanner.scan(buffer, start, end)) {
      sink.addPoint(
        scanner.metric,
        scanner.timeMs,
        scanner.value,
        scanner.tagsKey,
        undefined,
        line,
      );
      fastLines++;
      return;
    }
    slowLines++;
    parseSlowLine(path, buffer.toString('utf8', start, end), line, complete, sink, warnings);
  };

  const { lines, bytes } = await forEachLine(readChunks(path, options.gunzip), onLine, onChunk);
  if (bytes === 0) warnings.add(path, 'empty-file', null, 'the file is empty');
  return { lines, bytes, fastLines, slowLines };
}

function parseSlowLine(
  path: string,
  text: string,
  line: number,
  complete: boolean,
  sink: SampleSink,
  warnings: WarningLog,
): void {
  if (text.trim() === '') return;
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    if (complete) warnings.add(path, 'invalid-json', line, 'a line is not valid JSON');
    else warnings.add(path, 'truncated-last-line', line, 'the last line is cut off');
    return;
  }
  if (typeof record !== 'object' || record === null) {
    warnings.add(path, 'invalid-json', line, 'a line is not a JSON object');
    return;
  }
  const { type, data, metric } = record as { type?: unknown; data?: unknown; metric?: unknown };
  const body = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (type === 'Metric') {
    const definition = toDefinition(body, metric);
    if (definition) sink.defineMetric(definition);
    else warnings.add(path, 'unknown-metric-type', line, 'a Metric line has an unknown type');
    return;
  }
  if (type !== 'Point') {
    warnings.add(path, 'unknown-line-type', line, `lines of type ${String(type)} are skipped`);
    return;
  }
  const name = typeof metric === 'string' ? metric : undefined;
  if (!name) {
    warnings.add(path, 'invalid-json', line, 'a Point line has no metric name');
    return;
  }
  const value = typeof body.value === 'number' ? body.value : Number.NaN;
  const timeMs = typeof body.time === 'string' ? parseRfc3339(body.time) : Number.NaN;
  const tags = stringTags(body.tags);
  sink.addPoint(name, timeMs, value, JSON.stringify(tags), tags, line);
}

function stringTags(value: unknown): Tags {
  if (typeof value !== 'object' || value === null) return {};
  const tags: Tags = {};
  for (const [key, tagValue] of Object.entries(value)) {
    if (tagValue !== null && tagValue !== undefined) tags[key] = String(tagValue);
  }
  return tags;
}

function toDefinition(
  body: Record<string, unknown>,
  metric: unknown,
): MetricDefinition | undefined {
  const name = typeof body.name === 'string' ? body.name : typeof metric === 'string' ? metric : '';
  if (!name || !isMetricType(body.type)) return undefined;
  const thresholds = Array.isArray(body.thresholds)
    ? body.thresholds.filter((item): item is string => typeof item === 'string')
    : [];
  const submetrics = Array.isArray(body.submetrics)
    ? body.submetrics.flatMap((item: unknown) => {
        if (typeof item !== 'object' || item === null) return [];
        const sub = item as { name?: unknown; tags?: unknown };
        return [{ name: String(sub.name ?? ''), tags: stringTags(sub.tags) }];
      })
    : [];
  return {
    name,
    type: body.type,
    contains: typeof body.contains === 'string' ? body.contains : 'default',
    thresholds,
    submetrics,
  };
}

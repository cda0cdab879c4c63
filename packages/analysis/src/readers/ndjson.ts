import { isMetricType, type MetricDefinition, type SampleSink, type Tags } from '../model.js';
import { parseRfc3339 } from '../time.js';
import type { WarningLog } from '../warnings.js';
import { forEachLineInFile, type GunzipMode } from './source.js';

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

const PREFIX_METRIC = Buffer.from('{"metric":"');
const MIDDLE_POINT_TIME = Buffer.from('","type":"Point","data":{"time":"');
const MIDDLE_VALUE = Buffer.from('","value":');
const MIDDLE_TAGS = Buffer.from(',"tags":');

function matchesAt(buffer: Buffer, pos: number, word: Buffer): boolean {
  for (let i = 0; i < word.length; i++) {
    if (buffer[pos + i] !== word[i]) return false;
  }
  return true;
}

/** Compares short byte runs in JavaScript, cheaper than Buffer.compare's argument checks. */
function sameBytes(buffer: Buffer, pos: number, word: Buffer): boolean {
  for (let i = 0; i < word.length; i++) {
    if (buffer[pos + i] !== word[i]) return false;
  }
  return true;
}

/**
 * Metric names seen so far, found by a hash of their bytes so a line's name
 * costs no string allocation. A hash hit is confirmed byte by byte.
 */
class NameTable {
  name = '';
  private readonly entries = new Map<number, { bytes: Buffer; name: string }[]>();

  /** Reads a name up to its closing quote from pos; returns the quote's position or -1. */
  scan(buffer: Buffer, pos: number, end: number): number {
    let hash = 2166136261;
    let i = pos;
    for (; i < end; i++) {
      const byte = buffer[i] as number;
      if (byte === QUOTE) break;
      hash = Math.imul(hash ^ byte, 16777619);
    }
    if (i >= end) return -1;
    const length = i - pos;
    const bucket = this.entries.get(hash);
    if (bucket) {
      for (const entry of bucket) {
        if (entry.bytes.length === length && sameBytes(buffer, pos, entry.bytes)) {
          this.name = entry.name;
          return i;
        }
      }
    }
    const name = buffer.toString('utf8', pos, i);
    const entry = { bytes: Buffer.from(buffer.subarray(pos, i)), name };
    if (bucket) bucket.push(entry);
    else this.entries.set(hash, [entry]);
    this.name = name;
    return i;
  }
}

/**
 * Timestamps of one second share their first 19 bytes and their zone, so
 * the calendar arithmetic runs once a second and each line parses only its
 * fraction.
 */
class TimeCache {
  private readonly prefix = Buffer.alloc(19);
  private zone = Buffer.alloc(0);
  private baseMs = Number.NaN;

  parse(buffer: Buffer, start: number, end: number): number {
    if (end - start < 20) return Number.NaN;
    let pos = start + 19;
    let fraction = 0;
    let scale = 1;
    if (buffer[pos] === 46) {
      pos++;
      for (; pos < end; pos++) {
        const digit = (buffer[pos] as number) - 48;
        if (digit < 0 || digit > 9) break;
        if (scale < 1e9) {
          fraction = fraction * 10 + digit;
          scale *= 10;
        }
      }
    }
    let same = !Number.isNaN(this.baseMs) && end - pos === this.zone.length;
    for (let i = 0; same && i < 19; i++) same = buffer[start + i] === this.prefix[i];
    for (let i = 0; same && i < this.zone.length; i++) same = buffer[pos + i] === this.zone[i];
    if (!same) {
      const text =
        buffer.toString('latin1', start, start + 19) + buffer.toString('latin1', pos, end);
      this.baseMs = parseRfc3339(text);
      buffer.copy(this.prefix, 0, start, start + 19);
      this.zone = Buffer.from(buffer.subarray(pos, end));
      if (Number.isNaN(this.baseMs)) return Number.NaN;
    }
    return this.baseMs + (fraction / scale) * 1000;
  }
}

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

  private readonly times = new TimeCache();
  private readonly names = new NameTable();
  /** Copy of the previous tags object's bytes: the reader reuses its buffer between chunks. */
  private lastTags = Buffer.alloc(1024);
  private lastTagsLength = -1;
  private lastTagsKey = '';

  scan(buffer: Buffer, start: number, end: number): boolean {
    this.buffer = buffer;
    this.pos = start;
    this.end = end;
    if (this.scanTemplate()) return true;
    this.pos = start;
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

  /**
   * Parses the layout k6 1.x writes, checking it byte by byte:
   * {"metric":NAME,"type":"Point","data":{"time":TIME,"value":NUMBER,"tags":{...}}}
   */
  private scanTemplate(): boolean {
    const buffer = this.buffer;
    let pos = this.pos;
    if (!matchesAt(buffer, pos, PREFIX_METRIC)) return false;
    pos += PREFIX_METRIC.length;
    const nameStart = pos;
    pos = this.names.scan(buffer, pos, this.end);
    if (pos < 0) return false;
    this.metric = this.names.name;
    if (pos === nameStart) return false;
    if (!matchesAt(buffer, pos, MIDDLE_POINT_TIME)) return false;
    pos += MIDDLE_POINT_TIME.length;
    const timeEnd = buffer.indexOf(QUOTE, pos);
    if (timeEnd < 0 || timeEnd >= this.end) return false;
    this.timeMs = this.times.parse(buffer, pos, timeEnd);
    if (Number.isNaN(this.timeMs)) return false;
    pos = timeEnd;
    if (!matchesAt(buffer, pos, MIDDLE_VALUE)) return false;
    this.pos = pos + MIDDLE_VALUE.length;
    if (!this.scanNumber()) return false;
    if (!matchesAt(buffer, this.pos, MIDDLE_TAGS)) return false;
    this.pos += MIDDLE_TAGS.length;
    if (!this.scanFlatObject(true)) return false;
    return (
      this.pos + 2 === this.end &&
      buffer[this.pos] === CLOSE_BRACE &&
      buffer[this.pos + 1] === CLOSE_BRACE
    );
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
        this.timeMs = this.times.parse(buffer, valueStart, valueEnd);
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
   * Checks whether the bytes at `start` repeat the previous tags object. That
   * object ends at its first `}`, so equal bytes mean the same object ends
   * at the same offset here, as indexOf would find it.
   */
  private sameTagsAsLast(start: number): boolean {
    const length = this.lastTagsLength;
    if (length < 0 || start + length >= this.end) return false;
    const after = this.buffer[start + length];
    if (after !== COMMA && after !== CLOSE_BRACE) return false;
    return this.buffer.compare(this.lastTags, 0, length, start, start + length) === 0;
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
    if (keep && this.sameTagsAsLast(start)) {
      // Reusing the previous key string lets the receiver's Map skip hashing it again.
      this.tagsKey = this.lastTagsKey;
      this.pos = start + this.lastTagsLength;
      return true;
    }
    const close = buffer.indexOf(CLOSE_BRACE, start + 1);
    if (close < 0 || close >= this.end) return false;
    const after = buffer[close + 1];
    if (after !== COMMA && after !== CLOSE_BRACE) return false;
    if (keep) {
      const length = close + 1 - start;
      this.tagsKey = buffer.toString('utf8', start, close + 1);
      this.lastTagsKey = this.tagsKey;
      if (length > this.lastTags.length) this.lastTags = Buffer.alloc(length * 2);
      buffer.copy(this.lastTags, 0, start, close + 1);
      this.lastTagsLength = length;
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
  options: { gunzip?: GunzipMode; fastPath?: boolean } = {},
): Promise<ReadResult> {
  const fastPath = options.fastPath ?? true;
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
    if (fastPath && !hasEscape && scanner.scan(buffer, start, end)) {
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

  const { lines, bytes } = await forEachLineInFile(path, options.gunzip, onLine, onChunk);
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
  let name = '';
  if (typeof body.name === 'string') name = body.name;
  else if (typeof metric === 'string') name = metric;
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

import type { SampleSink, Tags } from '../model.js';
import { parseCsvTimestamp } from '../time.js';
import type { WarningLog } from '../warnings.js';
import { forEachLineInFile, type GunzipMode } from './source.js';

/** Tag columns k6's CSV output has written across versions (system tags). */
const KNOWN_TAG_COLUMNS = new Set([
  'check',
  'error',
  'error_code',
  'expected_response',
  'group',
  'method',
  'name',
  'proto',
  'scenario',
  'service',
  'status',
  'subproto',
  'tls_version',
  'url',
  'ip',
  'ocsp_status',
  'vu',
  'iter',
]);

/** Splits one CSV row, with RFC 4180 quoting ("a,b" and doubled quotes). */
export function splitCsvRow(text: string): string[] {
  if (!text.includes('"')) return text.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      fields.push(field);
      field = '';
    } else {
      field += char;
    }
  }
  fields.push(field);
  return fields;
}

/** Parses `k=v&k=v` as k6 writes extra tags and metadata in CSV. */
export function parseKeyValues(text: string, into: Tags): void {
  if (text === '') return;
  for (const pair of text.split('&')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    into[decodePart(pair.slice(0, equals))] = decodePart(pair.slice(equals + 1));
  }
}

function decodePart(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Reads a k6 `--out csv` file. The header row names the columns, so both the
 * older layout and the newer one with `extra_tags` and `metadata` work.
 * Unknown columns are kept as tags with a warning. CSV has no Metric lines,
 * so metric types come from k6's built-in metrics.
 */
export async function readCsv(
  path: string,
  sink: SampleSink,
  warnings: WarningLog,
  options: { gunzip?: GunzipMode } = {},
): Promise<{ lines: number; bytes: number }> {
  let columns: string[] | undefined;
  let metricColumn = -1;
  let timeColumn = -1;
  let valueColumn = -1;
  let metadataColumn = -1;

  const onLine = (buffer: Buffer, start: number, end: number, line: number, complete: boolean) => {
    const text = buffer.toString('utf8', start, end);
    if (text.trim() === '') return;
    if (!columns) {
      columns = splitCsvRow(text.replace(/^\uFEFF/, ''));
      metricColumn = columns.indexOf('metric_name');
      timeColumn = columns.indexOf('timestamp');
      valueColumn = columns.indexOf('metric_value');
      metadataColumn = columns.indexOf('metadata');
      if (metricColumn < 0 || timeColumn < 0 || valueColumn < 0) {
        throw new CsvHeaderError(path, columns);
      }
      for (const column of columns) {
        const known =
          column === 'metric_name' ||
          column === 'timestamp' ||
          column === 'metric_value' ||
          column === 'extra_tags' ||
          column === 'metadata' ||
          KNOWN_TAG_COLUMNS.has(column);
        if (!known) {
          warnings.add(
            path,
            'unknown-csv-column',
            1,
            `column ${column} is not a k6 column; its values are read as tags`,
          );
        }
      }
      return;
    }
    const fields = splitCsvRow(text);
    if (fields.length !== columns.length) {
      const kind = complete ? 'invalid-csv-row' : 'truncated-last-line';
      warnings.add(
        path,
        kind,
        line,
        `a row has ${fields.length} fields where the header has ${columns.length}`,
      );
      return;
    }
    const tags: Tags = {};
    for (let i = 0; i < columns.length; i++) {
      if (i === metricColumn || i === timeColumn || i === valueColumn) continue;
      const column = columns[i] as string;
      const field = fields[i] as string;
      if (column === 'extra_tags') parseKeyValues(field, tags);
      else if (column === 'metadata') continue;
      else if (field !== '') tags[column] = field;
    }
    const valueText = fields[valueColumn] as string;
    const value = valueText.trim() === '' ? Number.NaN : Number(valueText);
    const timeMs = parseCsvTimestamp(fields[timeColumn] as string);
    const tagsKey = fields
      .filter(
        (_, i) =>
          i !== metricColumn && i !== timeColumn && i !== valueColumn && i !== metadataColumn,
      )
      .join(',');
    sink.addPoint(fields[metricColumn] as string, timeMs, value, tagsKey, tags, line);
  };

  const result = await forEachLineInFile(path, options.gunzip, onLine);
  if (result.bytes === 0) warnings.add(path, 'empty-file', null, 'the file is empty');
  return result;
}

export class CsvHeaderError extends Error {
  constructor(
    readonly path: string,
    readonly columns: string[],
  ) {
    super(
      `${path}: line 1 is not a k6 CSV header (metric_name, timestamp and metric_value are required; found ${columns.slice(0, 6).join(', ')})`,
    );
  }
}

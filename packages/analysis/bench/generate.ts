import { open } from 'node:fs/promises';

/**
 * Writes k6-shaped `--out json` NDJSON of about `bytes` bytes: the metrics
 * an HTTP request and an iteration emit, with realistic tags, at a fixed
 * arrival rate, in k6 1.x key order. Deterministic for a given seed.
 */

const NAMES = ['party-lookup', 'quote', 'transfer'];
const REQUEST_METRICS = [
  'http_reqs',
  'http_req_duration',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
  'http_req_failed',
];
const TRENDS = new Set([
  'http_req_duration',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
  'iteration_duration',
]);

function metricLine(name: string, type: string): string {
  return `{"type":"Metric","data":{"name":"${name}","type":"${type}","contains":"${TRENDS.has(name) ? 'time' : 'default'}","thresholds":[],"submetrics":null},"metric":"${name}"}\n`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** RFC 3339 with nanoseconds and a +02:00 offset, as k6 writes local time. */
function timeText(ms: number): string {
  const local = new Date(ms + 2 * 3600_000);
  const nanos = pad((ms % 1000) * 1_000_000 + 123_456, 9);
  return `${local.toISOString().slice(0, 19)}.${nanos}+02:00`;
}

export async function generateNdjson(
  path: string,
  bytes: number,
  options: { seed?: number; ratePerSecond?: number; startMs?: number } = {},
): Promise<{ lines: number; bytes: number; requests: number }> {
  let state = (options.seed ?? 1) >>> 0;
  const next = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const rate = options.ratePerSecond ?? 1000;
  const start = options.startMs ?? Date.UTC(2025, 5, 1, 10, 0, 0);
  const file = await open(path, 'w');
  let buffer = '';
  let written = 0;
  let lines = 0;
  let requests = 0;
  const flush = async () => {
    const chunk = Buffer.from(buffer);
    await file.write(chunk);
    written += chunk.length;
    buffer = '';
  };
  try {
    for (const name of [
      ...REQUEST_METRICS,
      'iterations',
      'iteration_duration',
      'data_sent',
      'data_received',
      'transfers_completed',
      'vus',
      'dropped_iterations',
    ]) {
      const type = TRENDS.has(name)
        ? 'trend'
        : name === 'http_req_failed'
          ? 'rate'
          : name === 'vus'
            ? 'gauge'
            : 'counter';
      buffer += metricLine(name, type);
      lines++;
    }
    let second = -1;
    while (written + buffer.length < bytes) {
      const ms = start + Math.floor((requests * 1000) / rate);
      const time = timeText(ms);
      const currentSecond = Math.floor(ms / 1000);
      if (currentSecond !== second) {
        second = currentSecond;
        buffer += `{"metric":"vus","type":"Point","data":{"time":"${time}","value":${40 + Math.floor(next() * 20)},"tags":{}}}\n`;
        lines++;
      }
      const name = NAMES[requests % NAMES.length] as string;
      const failed = next() < 0.002;
      const status = failed ? '500' : '200';
      const msisdn = 27710000000 + Math.floor(next() * 1000);
      const url =
        name === 'party-lookup'
          ? `http://sdk-payer:4001/parties/MSISDN/${msisdn}`
          : `http://sdk-payer:4001/${name === 'quote' ? 'quotes' : 'simpleTransfers'}`;
      const tags = `{"expected_response":"${failed ? 'false' : 'true'}","group":"","method":"${name === 'party-lookup' ? 'GET' : 'POST'}","name":"${name}","proto":"HTTP/1.1","scenario":"transfer","status":"${status}","url":"${url}"}`;
      const duration = 20 + next() ** 4 * 800;
      for (const metric of REQUEST_METRICS) {
        let value: number;
        if (metric === 'http_reqs') value = 1;
        else if (metric === 'http_req_failed') value = failed ? 1 : 0;
        else if (metric === 'http_req_duration') value = Math.round(duration * 1e6) / 1e6;
        else if (metric === 'http_req_waiting') value = Math.round(duration * 0.97 * 1e6) / 1e6;
        else value = Math.round(next() * 0.3 * 1e6) / 1e6;
        buffer += `{"metric":"${metric}","type":"Point","data":{"time":"${time}","value":${value},"tags":${tags}}}\n`;
        lines++;
      }
      requests++;
      if (requests % NAMES.length === 0) {
        const iterationTags = '{"group":"","scenario":"transfer"}';
        for (const [metric, value] of [
          ['data_sent', 1200 + Math.floor(next() * 200)],
          ['data_received', 2400 + Math.floor(next() * 400)],
          ['iterations', 1],
          ['iteration_duration', Math.round(duration * 3.1 * 1e6) / 1e6],
          ['transfers_completed', 1],
        ] as const) {
          buffer += `{"metric":"${metric}","type":"Point","data":{"time":"${time}","value":${value},"tags":${iterationTags}}}\n`;
          lines++;
        }
      }
      if (buffer.length > 4_000_000) await flush();
    }
    await flush();
  } finally {
    await file.close();
  }
  return { lines, bytes: written, requests };
}

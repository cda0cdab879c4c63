import { escapeHtml, formatNumber } from './format.js';

export interface ChartLine {
  label: string;
  values: (number | null)[];
  color: string;
}

export interface ChartOptions {
  title: string;
  unit: string;
  lines: ChartLine[];
  /** Steady-state window as offsets [from, to), shaded. */
  window?: { from: number; to: number };
}

const WIDTH = 900;
const HEIGHT = 260;
const MARGIN = { top: 28, right: 16, bottom: 30, left: 64 };
const MAX_POINTS = 1500;

/** Keeps at most MAX_POINTS per line, taking each bucket's largest value so peaks stay visible. */
function downsample(values: (number | null)[]): { x: number; y: number | null }[] {
  const step = Math.max(1, Math.ceil(values.length / MAX_POINTS));
  const points: { x: number; y: number | null }[] = [];
  for (let start = 0; start < values.length; start += step) {
    let peak: number | null = null;
    for (let i = start; i < Math.min(values.length, start + step); i++) {
      const value = values[i];
      if (value !== null && value !== undefined && (peak === null || value > peak)) peak = value;
    }
    points.push({ x: start, y: peak });
  }
  return points;
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 2, 2.5, 5, 10]) {
    if (value <= factor * power) return factor * power;
  }
  return 10 * power;
}

/** Renders an inline SVG line chart that needs no script and no external resource. */
export function renderLineChart(options: ChartOptions): string {
  const length = Math.max(1, ...options.lines.map((line) => line.values.length));
  const peak = Math.max(
    0,
    ...options.lines.flatMap((line) =>
      line.values.filter((value): value is number => value !== null),
    ),
  );
  const yMax = niceMax(peak);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (offset: number) =>
    MARGIN.left + (length <= 1 ? 0 : (offset / (length - 1)) * plotWidth);
  const y = (value: number) => MARGIN.top + plotHeight - (value / yMax) * plotHeight;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(options.title)}" class="chart">`,
  );
  parts.push(
    `<text x="${MARGIN.left}" y="18" class="chart-title">${escapeHtml(options.title)}</text>`,
  );
  if (options.window) {
    const from = x(options.window.from);
    const to = x(Math.max(options.window.from, options.window.to - 1));
    parts.push(
      `<rect x="${from.toFixed(1)}" y="${MARGIN.top}" width="${Math.max(1, to - from).toFixed(1)}" height="${plotHeight}" class="window"><title>steady-state window</title></rect>`,
    );
  }
  for (let tick = 0; tick <= 4; tick++) {
    const value = (yMax * tick) / 4;
    const ty = y(value).toFixed(1);
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${ty}" y2="${ty}" class="grid"/>`,
    );
    parts.push(
      `<text x="${MARGIN.left - 6}" y="${ty}" class="tick" text-anchor="end" dominant-baseline="middle">${formatNumber(value, value < 10 ? 1 : 0)}</text>`,
    );
  }
  for (let tick = 0; tick <= 5; tick++) {
    const offset = Math.round(((length - 1) * tick) / 5);
    parts.push(
      `<text x="${x(offset).toFixed(1)}" y="${HEIGHT - 10}" class="tick" text-anchor="middle">${offset} s</text>`,
    );
  }
  parts.push(
    `<text x="12" y="${MARGIN.top + plotHeight / 2}" class="tick" transform="rotate(-90 12 ${MARGIN.top + plotHeight / 2})" text-anchor="middle">${escapeHtml(options.unit)}</text>`,
  );

  options.lines.forEach((line, index) => {
    let path = '';
    let pen = false;
    for (const point of downsample(line.values)) {
      if (point.y === null) {
        pen = false;
        continue;
      }
      path += `${pen ? 'L' : 'M'}${x(point.x).toFixed(1)} ${y(point.y).toFixed(1)}`;
      pen = true;
    }
    if (path !== '') {
      parts.push(
        `<path d="${path}" fill="none" stroke="${line.color}" stroke-width="1.5" class="line" data-label="${escapeHtml(line.label)}"/>`,
      );
    }
    const legendX = MARGIN.left + 240 + index * 110;
    parts.push(`<rect x="${legendX}" y="9" width="10" height="10" fill="${line.color}"/>`);
    parts.push(`<text x="${legendX + 14}" y="18" class="legend">${escapeHtml(line.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

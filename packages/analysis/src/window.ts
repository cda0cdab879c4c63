import { PerfplaneError } from '@perfplane/core';

/**
 * Steady-state window. By default the first and last 10% of the run are
 * trimmed; explicit seconds or absolute bounds replace the fraction.
 */
export interface WindowOptions {
  /** Share of the run trimmed at each end, 0 to <0.5. Default 0.1. */
  trimFraction?: number;
  /** Seconds trimmed from the start (warm-up); overrides the fraction for that end. */
  trimStartSeconds?: number;
  /** Seconds trimmed from the end (cool-down); overrides the fraction for that end. */
  trimEndSeconds?: number;
  /** Absolute start (RFC 3339 or epoch ms); overrides trimming at that end. */
  start?: string | number;
  end?: string | number;
}

export const DEFAULT_TRIM_FRACTION = 0.1;

function toSecond(value: string | number, label: string): number {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new PerfplaneError(
      'InvalidArgument',
      `window ${label} "${value}" is not a time; give RFC 3339 text or epoch milliseconds`,
    );
  }
  return Math.floor(ms / 1000);
}

/** Resolves the window to whole seconds [from, to) inside the run's [runFrom, runTo). */
export function resolveWindow(
  runFrom: number,
  runTo: number,
  options: WindowOptions = {},
): { from: number; to: number; rule: string } {
  const duration = runTo - runFrom;
  const fraction = options.trimFraction ?? DEFAULT_TRIM_FRACTION;
  if (!(fraction >= 0 && fraction < 0.5)) {
    throw new PerfplaneError(
      'InvalidArgument',
      `window trim fraction ${fraction} is outside 0 to 0.5; use e.g. 0.1 to trim 10% at each end`,
    );
  }
  for (const [label, value] of [
    ['trimStartSeconds', options.trimStartSeconds],
    ['trimEndSeconds', options.trimEndSeconds],
  ] as const) {
    if (value !== undefined && !(value >= 0)) {
      throw new PerfplaneError(
        'InvalidArgument',
        `window ${label} ${value} must be 0 or more seconds`,
      );
    }
  }
  const trimStart = options.trimStartSeconds ?? Math.floor(duration * fraction);
  const trimEnd = options.trimEndSeconds ?? Math.floor(duration * fraction);
  let from = options.start !== undefined ? toSecond(options.start, 'start') : runFrom + trimStart;
  let to = options.end !== undefined ? toSecond(options.end, 'end') : runTo - trimEnd;
  from = Math.max(runFrom, from);
  to = Math.min(runTo, to);
  if (to <= from) {
    throw new PerfplaneError(
      'InvalidArgument',
      `the steady-state window is empty: the run lasts ${duration} s and trimming leaves nothing; trim less`,
    );
  }
  const parts: string[] = [];
  parts.push(
    options.start !== undefined
      ? `from ${new Date(from * 1000).toISOString()}`
      : options.trimStartSeconds !== undefined
        ? `first ${trimStart} s trimmed`
        : `first ${fraction * 100}% (${trimStart} s) trimmed`,
  );
  parts.push(
    options.end !== undefined
      ? `until ${new Date(to * 1000).toISOString()}`
      : options.trimEndSeconds !== undefined
        ? `last ${trimEnd} s trimmed`
        : `last ${fraction * 100}% (${trimEnd} s) trimmed`,
  );
  return { from, to, rule: parts.join(', ') };
}

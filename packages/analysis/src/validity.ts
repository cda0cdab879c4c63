import { readFile } from 'node:fs/promises';
import { PerfplaneError } from '@perfplane/core';

/**
 * Load-generator health a phase records next to the k6 output: either the
 * peak CPU share or samples of it, in percent of the generator's cores.
 */
export interface GeneratorHealth {
  maxCpuPercent?: number;
  samples?: { time?: string; cpuPercent: number }[];
}

export interface ValidityOptions {
  /** Dropped iterations allowed, as a share of scheduled iterations (0.001 = 0.1%). */
  droppedTolerance?: number;
  /** Generator CPU at or above this percent marks the run invalid. Default 90. */
  cpuSaturationPercent?: number;
  generatorHealth?: string | GeneratorHealth;
  /** k6's console output (text or a file path) to scan for saturation warnings. */
  k6Log?: string;
}

export const DEFAULT_DROPPED_TOLERANCE = 0.001;
export const DEFAULT_CPU_SATURATION_PERCENT = 90;

/** k6 warnings that mean the generator, not the system under test, set the limit. */
const K6_SATURATION_WARNINGS = [
  /Insufficient VUs, reached \d+ active VUs/i,
  /cannot initialize more/i,
];

async function loadHealth(source: string | GeneratorHealth): Promise<GeneratorHealth> {
  if (typeof source !== 'string') return source;
  try {
    return JSON.parse(await readFile(source, 'utf8')) as GeneratorHealth;
  } catch (error) {
    throw new PerfplaneError(
      'InvalidArgument',
      `generator health file ${source} is not readable JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

export function maxCpuPercent(health: GeneratorHealth): number | null {
  const values = (health.samples ?? [])
    .map((sample) => sample.cpuPercent)
    .filter((value) => Number.isFinite(value));
  if (typeof health.maxCpuPercent === 'number') values.push(health.maxCpuPercent);
  return values.length > 0 ? Math.max(...values) : null;
}

async function k6LogText(source: string): Promise<string> {
  if (source.includes('\n')) return source;
  try {
    return await readFile(source, 'utf8');
  } catch {
    return source;
  }
}

export async function assessValidity(
  dropped: number,
  iterations: number,
  options: ValidityOptions,
): Promise<{
  valid: boolean;
  reasons: string[];
  droppedIterations: number;
  droppedShare: number | null;
  maxGeneratorCpuPercent: number | null;
}> {
  const reasons: string[] = [];
  const tolerance = options.droppedTolerance ?? DEFAULT_DROPPED_TOLERANCE;
  const scheduled = iterations + dropped;
  const droppedShare = scheduled > 0 ? dropped / scheduled : null;
  if (dropped > 0 && (droppedShare ?? 1) > tolerance) {
    reasons.push(
      `k6 dropped ${dropped} iterations (${((droppedShare ?? 0) * 100).toFixed(2)}% of scheduled, tolerance ${(tolerance * 100).toFixed(2)}%): the generator could not keep the arrival rate`,
    );
  }
  let cpu: number | null = null;
  if (options.generatorHealth) {
    cpu = maxCpuPercent(await loadHealth(options.generatorHealth));
    const limit = options.cpuSaturationPercent ?? DEFAULT_CPU_SATURATION_PERCENT;
    if (cpu !== null && cpu >= limit) {
      reasons.push(`the load generator's CPU reached ${cpu.toFixed(1)}% (limit ${limit}%)`);
    }
  }
  if (options.k6Log) {
    const text = await k6LogText(options.k6Log);
    for (const pattern of K6_SATURATION_WARNINGS) {
      const line = text.split('\n').find((candidate) => pattern.test(candidate));
      if (line) {
        reasons.push(`k6 warned: ${line.trim().slice(0, 200)}`);
        break;
      }
    }
  }
  return {
    valid: reasons.length === 0,
    reasons,
    droppedIterations: dropped,
    droppedShare,
    maxGeneratorCpuPercent: cpu,
  };
}

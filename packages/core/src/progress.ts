import { PHASES, type PhaseId } from './catalog.js';

/** Status of one phase in an environment, as the store records it. */
export type PhaseStatus =
  | 'not-started'
  | 'running'
  | 'completed'
  | 'failed'
  | 'requirements-not-met'
  | 'skipped'
  | 'rolling-back'
  | 'rolled-back'
  | 'stopped';

/** Status of one run. */
export type RunStatus =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'requirements-not-met'
  | 'stopping'
  | 'stopped'
  | 'interrupted';

/** Run statuses after which nothing of the run executes any more. */
export const FINISHED_RUN_STATUSES: readonly RunStatus[] = [
  'succeeded',
  'failed',
  'requirements-not-met',
  'stopped',
  'interrupted',
];

export function isRunFinished(status: RunStatus): boolean {
  return FINISHED_RUN_STATUSES.includes(status);
}

/** Phase statuses that satisfy a dependency of a later phase. */
export function isPhaseDone(status: PhaseStatus): boolean {
  return status === 'completed' || status === 'skipped';
}

/** Phase status and percent, the inputs of the ETA arithmetic for one phase. */
export interface PhaseProgressInput {
  id: PhaseId;
  status: PhaseStatus;
  /** Percent of the current action, 0 to 100, while the phase runs. */
  percent?: number;
}

export interface ProgressInput {
  /** Phases the run covers; phases outside it count neither as done nor as remaining. */
  phases: readonly PhaseProgressInput[];
  /** Seconds of earlier completed deploys of each phase in this environment. */
  history: Partial<Record<PhaseId, readonly number[]>>;
  /** The environment's own expected minutes per phase, used before any history exists. */
  expectedMinutes?: Partial<Record<PhaseId, number>>;
  startedAt?: string;
  /** End of the run; elapsed time stops there. */
  endedAt?: string;
  now: Date;
}

export interface ProgressFigures {
  /** Share of the run's expected work that is done, 0 to 100. */
  percent: number;
  elapsedSeconds: number;
  remainingSeconds: number;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) {
    return undefined;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) {
    return sorted[middle];
  }
  return ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * Returns the expected seconds of a phase's deploy: the median of earlier
 * completed deploys in the environment when there are any, otherwise the
 * environment's own expected minutes, otherwise the midpoint of the catalog's range.
 */
export function expectedSeconds(
  id: PhaseId,
  history: readonly number[] = [],
  environmentMinutes?: number,
): number {
  const measured = median(history);
  if (measured !== undefined) {
    return measured;
  }
  if (environmentMinutes !== undefined) {
    return environmentMinutes * 60;
  }
  const phase = PHASES.find((entry) => entry.id === id);
  if (!phase) {
    return 0;
  }
  return ((phase.expected.minMinutes + phase.expected.maxMinutes) / 2) * 60;
}

function doneShare(phase: PhaseProgressInput): number {
  if (isPhaseDone(phase.status)) {
    return 1;
  }
  if (phase.status === 'running') {
    return Math.min(100, Math.max(0, phase.percent ?? 0)) / 100;
  }
  return 0;
}

/**
 * Computes percent done, elapsed and estimated remaining time of a run.
 * Each phase weighs its expected seconds, so a long phase moves the
 * percentage more than a short one.
 */
export function computeProgress(input: ProgressInput): ProgressFigures {
  let total = 0;
  let done = 0;
  for (const phase of input.phases) {
    const expected = expectedSeconds(
      phase.id,
      input.history[phase.id],
      input.expectedMinutes?.[phase.id],
    );
    total += expected;
    done += expected * doneShare(phase);
  }
  const end = input.endedAt ? Date.parse(input.endedAt) : input.now.getTime();
  const start = input.startedAt ? Date.parse(input.startedAt) : end;
  return {
    percent: total === 0 ? 100 : Math.round((done / total) * 100),
    elapsedSeconds: Math.max(0, Math.round((end - start) / 1000)),
    remainingSeconds: Math.round(total - done),
  };
}

/** Formats seconds as "4h 23m", "12m" or "45s". */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  if (hours > 0) {
    return `${hours}h ${minutes}m`;
  }
  if (minutes > 0) {
    return `${minutes}m`;
  }
  return `${whole}s`;
}

import type { Options, Scenario } from 'k6/options';
import { type Config, durationSeconds, type Stage } from './config.ts';

/** Time a stage's executor may take to finish iterations in flight after the stage ends. */
const GRACEFUL_STOP = '10s';

function scenarioName(stage: Stage, index: number): string {
  return `${String(index + 1).padStart(2, '0')}_${stage.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/**
 * Builds one constant-arrival-rate scenario per stage, started one after the other.
 * Without explicit VU counts, 1 VU per transfer a second is pre-allocated
 * (at least 20) and up to 4 per transfer a second are allowed (at least 100).
 * A transfer takes three round trips, so a stall of a few hundred
 * milliseconds on a busy generator would exhaust a smaller pool and drop
 * iterations.
 */
export function ladderScenarios(stages: Stage[]): Record<string, Scenario> {
  const scenarios: Record<string, Scenario> = {};
  let startSeconds = 0;
  stages.forEach((stage, index) => {
    const preAllocatedVUs = stage.preAllocatedVUs ?? Math.max(20, Math.ceil(stage.rate));
    scenarios[scenarioName(stage, index)] = {
      executor: 'constant-arrival-rate',
      rate: stage.rate,
      timeUnit: '1s',
      duration: stage.duration,
      preAllocatedVUs,
      // k6 rejects a maxVUs below preAllocatedVUs, so the default never is.
      maxVUs: stage.maxVUs ?? Math.max(preAllocatedVUs, 100, Math.ceil(stage.rate * 4)),
      startTime: `${startSeconds}s`,
      gracefulStop: GRACEFUL_STOP,
      tags: { stage: stage.name },
    };
    // The next stage starts once this one and its graceful stop are over, so stages never overlap.
    startSeconds += durationSeconds(stage.duration) + durationSeconds(GRACEFUL_STOP);
  });
  return scenarios;
}

/**
 * Thresholds from the environment's target: end-to-end p95 and the share
 * of failed transfers. k6 exits with status 99 when one is crossed.
 */
export function targetThresholds(config: Config): Options['thresholds'] {
  return {
    transfer_e2e_duration: [`p(95)<${config.p95Ms}`],
    transfer_errors: [`rate<=${config.maxErrorRate}`],
  };
}

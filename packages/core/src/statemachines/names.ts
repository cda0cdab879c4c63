import type { Phase } from '../catalog.js';

/** Names of the states that do not belong to one phase, as the console shows them. */
export const STATE_NAMES = {
  acquireLock: 'Acquire environment lock',
  lockNotAcquired: 'Lock not acquired',
  releaseLock: 'Release environment lock',
  invalidDecision: 'Invalid gate decision',
  recordFailure: 'Record failure',
  assumePhaseFailed: 'Assume phase failed',
  releaseLockAfterFailure: 'Release lock after failure',
  routeFailure: 'Route failure outcome',
  phaseFailed: 'Phase failed',
  requirementsNotMet: 'Requirements not met',
  runStopped: 'Run stopped',
  summarizeValidation: 'Summarize validation',
  routeValidation: 'Route validation outcome',
  releaseLockAfterFailedValidation: 'Release lock after failed validation',
  validationFailed: 'Validation failed',
  validationInterrupted: 'Validation interrupted',
} as const;

/** Names of one phase's states in the run machine. */
export function runStateNames(phase: Phase) {
  const title = phase.title;
  return {
    start: `Start ${title}`,
    check: `Check ${title}`,
    route: `Route ${title}`,
    approve: `Approve ${title} deploy`,
    begin: `Begin ${title}`,
    deploy: `Deploy ${title}`,
    validate: `Validate ${title}`,
    record: `Record ${title}`,
  };
}

/** Names of one phase's states in the rollback machine. */
export function rollbackStateNames(phase: Phase) {
  const title = phase.title;
  return {
    start: `Start rollback of ${title}`,
    check: `Check rollback of ${title}`,
    route: `Route rollback of ${title}`,
    begin: `Begin rollback of ${title}`,
    rollback: `Roll back ${title}`,
    record: `Record rollback of ${title}`,
  };
}

/** Names of one phase's states in the validate machine. */
export function validateStateNames(phase: Phase) {
  const title = phase.title;
  return {
    validate: `Validate ${title}`,
    record: `Record validation of ${title}`,
  };
}

import { describe, expect, it } from 'vitest';
import { dependencyOrder, PHASE_IDS, rollbackOrder } from '../src/catalog.js';
import {
  PLACEHOLDERS,
  rollbackMachine,
  runMachine,
  type StepRequest,
  validateMachine,
} from '../src/statemachines/index.js';
import { buildsOf, execute, makeFakeControlPlane, runInput } from './support/fake-control-plane.js';

const run = runMachine();
const rollback = rollbackMachine();
const validate = validateMachine();

function stepsNamed<T extends StepRequest['step']>(steps: StepRequest[], step: T) {
  return steps.filter((request): request is Extract<StepRequest, { step: T }> => {
    return request.step === step;
  });
}

describe('run machine', () => {
  it('deploys and validates every phase in order', async () => {
    const fake = makeFakeControlPlane();

    const execution = await execute(run, fake);

    expect(execution.error).toBeUndefined();
    expect(buildsOf(fake)).toEqual(
      dependencyOrder().flatMap((phase) => [`${phase.id} deploy`, `${phase.id} validate`]),
    );
    expect(fake.timeline[0]).toBe('acquireLock');
    expect(fake.timeline.at(-1)).toBe('releaseLock');
    expect(stepsNamed(fake.steps, 'releaseLock')).toEqual([
      {
        step: 'releaseLock',
        runId: 'run-1',
        environment: 'rehearsal',
        outcome: 'Succeeded',
        fence: 7,
      },
    ]);
    expect(execution.states.at(-1)).toBe('Release environment lock');
  });

  it('passes run id, environment and fence to builds', async () => {
    const fake = makeFakeControlPlane();

    await execute(run, fake);

    const [first] = fake.builds;
    expect(first).toEqual({
      phase: '01-prerequisites',
      action: 'deploy',
      runId: 'run-1',
      environment: 'rehearsal',
      fence: '7',
      projectName: `${PLACEHOLDERS.projectPrefix}-01-prerequisites`,
    });
  });

  it('sends each phase through gate, begin and record', async () => {
    const fake = makeFakeControlPlane();

    await execute(run, fake);

    const mojaloop = fake.timeline.filter((entry) => entry.includes('04-mojaloop'));
    expect(mojaloop).toEqual([
      'gate 04-mojaloop',
      'beginPhase 04-mojaloop',
      'build 04-mojaloop deploy',
      'build 04-mojaloop validate',
      'recordPhase 04-mojaloop',
    ]);
    const [record] = stepsNamed(fake.steps, 'recordPhase');
    expect(record).toEqual({
      step: 'recordPhase',
      runId: 'run-1',
      environment: 'rehearsal',
      phase: '01-prerequisites',
      action: 'deploy',
      decision: 'run',
      fence: 7,
    });
  });

  it('skips the builds of a passed phase', async () => {
    const fake = makeFakeControlPlane({ decisions: { '03-kubernetes': 'pass' } });

    const execution = await execute(run, fake);

    expect(execution.error).toBeUndefined();
    expect(fake.timeline.filter((entry) => entry.includes('03-kubernetes'))).toEqual([
      'gate 03-kubernetes',
    ]);
    expect(buildsOf(fake, 'deploy')).toHaveLength(7);
  });

  it('validates only and records the phase as skipped', async () => {
    const fake = makeFakeControlPlane({ decisions: { '02-infrastructure': 'validate-only' } });

    const execution = await execute(run, fake);

    expect(execution.error).toBeUndefined();
    expect(fake.timeline.filter((entry) => entry.includes('02-infrastructure'))).toEqual([
      'gate 02-infrastructure',
      'build 02-infrastructure validate',
      'recordPhase 02-infrastructure',
    ]);
    const record = stepsNamed(fake.steps, 'recordPhase').find(
      (request) => request.phase === '02-infrastructure',
    );
    expect(record?.decision).toBe('validate-only');
  });

  it('records a failed build, releases the lock and fails', async () => {
    const fake = makeFakeControlPlane({
      failingBuilds: { '04-mojaloop deploy': 'States.TaskFailed' },
    });

    const execution = await execute(run, fake);

    expect(execution.error).toBe('PhaseFailed');
    expect(buildsOf(fake).at(-1)).toBe('04-mojaloop deploy');
    const [failure] = stepsNamed(fake.steps, 'recordFailure');
    expect(failure?.phase).toBe('04-mojaloop');
    expect(failure?.action).toBe('deploy');
    expect(failure?.fence).toBe(7);
    expect(failure?.error).toEqual({
      Error: 'States.TaskFailed',
      Cause: 'build of 04-mojaloop deploy failed',
    });
    expect(stepsNamed(fake.steps, 'releaseLock').map((request) => request.outcome)).toEqual([
      'PhaseFailed',
    ]);
    expect(execution.states.slice(-4)).toEqual([
      'Record failure',
      'Release lock after failure',
      'Route failure outcome',
      'Phase failed',
    ]);
  });

  it('records a failed validation against its phase', async () => {
    const fake = makeFakeControlPlane({
      failingBuilds: { '06-first-test validate': 'States.TaskFailed' },
    });

    const execution = await execute(run, fake);

    expect(execution.error).toBe('PhaseFailed');
    expect(stepsNamed(fake.steps, 'recordFailure')[0]?.phase).toBe('06-first-test');
  });

  it('ends with RequirementsNotMet', async () => {
    const fake = makeFakeControlPlane({
      failingBuilds: { '01-prerequisites deploy': 'RequirementsNotMet' },
    });

    const execution = await execute(run, fake);

    expect(execution.error).toBe('RequirementsNotMet');
    expect(execution.states.at(-1)).toBe('Requirements not met');
    expect(stepsNamed(fake.steps, 'releaseLock')[0]?.outcome).toBe('RequirementsNotMet');
    expect(buildsOf(fake)).toEqual(['01-prerequisites deploy']);
  });

  it('asks approval before each deploy', async () => {
    const fake = makeFakeControlPlane();

    const execution = await execute(run, fake, runInput({ interactive: true }));

    expect(execution.error).toBeUndefined();
    expect(fake.approvals.map((request) => request.phase)).toEqual([...PHASE_IDS]);
    for (const phase of PHASE_IDS) {
      const approvedAt = fake.timeline.indexOf(`approve ${phase}`);
      expect(approvedAt).toBeGreaterThan(fake.timeline.indexOf(`gate ${phase}`));
      expect(approvedAt).toBeLessThan(fake.timeline.indexOf(`beginPhase ${phase}`));
    }
    expect(fake.approvals[0]).toEqual({
      step: 'requestApproval',
      runId: 'run-1',
      environment: 'rehearsal',
      phase: '01-prerequisites',
      action: 'deploy',
      fence: 7,
      taskToken: 'local:test',
    });
  });

  it('asks no approval in non-interactive mode', async () => {
    const fake = makeFakeControlPlane();

    await execute(run, fake);

    expect(fake.approvals).toEqual([]);
  });

  it('treats a missing interactive flag as false', async () => {
    const fake = makeFakeControlPlane();

    const execution = await execute(run, fake, { runId: 'run-1', environment: 'rehearsal' });

    expect(execution.error).toBeUndefined();
    expect(fake.approvals).toEqual([]);
  });

  it('ends with RunStopped when an approval is rejected', async () => {
    const fake = makeFakeControlPlane({ approve: false });

    const execution = await execute(run, fake, runInput({ interactive: true }));

    expect(execution.error).toBe('RunStopped');
    expect(execution.states.at(-1)).toBe('Run stopped');
    expect(fake.builds).toEqual([]);
  });

  it('fails on an unknown gate decision', async () => {
    const fake = makeFakeControlPlane({ decisions: { '05-k6-infrastructure': 'later' } });

    const execution = await execute(run, fake);

    expect(execution.error).toBe('PhaseFailed');
    const [failure] = stepsNamed(fake.steps, 'recordFailure');
    expect(failure?.phase).toBe('05-k6-infrastructure');
    expect(failure?.error.Error).toBe('InvalidGateDecision');
  });

  it('releases the lock when recording the failure fails', async () => {
    const fake = makeFakeControlPlane({
      failingBuilds: { '02-infrastructure deploy': 'States.TaskFailed' },
      brokenSteps: ['recordFailure'],
    });

    const execution = await execute(run, fake);

    expect(execution.error).toBe('PhaseFailed');
    expect(execution.states).toContain('Assume phase failed');
    expect(stepsNamed(fake.steps, 'releaseLock')[0]?.outcome).toBe('PhaseFailed');
  });

  it('stops at once when the lock is held', async () => {
    const fake = makeFakeControlPlane({ lockHeld: true });

    const execution = await execute(run, fake);

    expect(execution.error).toBe('LockHeld');
    expect(fake.timeline).toEqual(['acquireLock']);
  });

  it('retries a throttled steps Lambda', async () => {
    const fake = makeFakeControlPlane({ flakySteps: { gate: 'Lambda.TooManyRequestsException' } });

    const execution = await execute(run, fake);

    expect(execution.error).toBeUndefined();
    expect(fake.timeline.slice(0, 3)).toEqual([
      'acquireLock',
      'gate 01-prerequisites',
      'gate 01-prerequisites',
    ]);
  });

  it('does not retry a step error', async () => {
    const fake = makeFakeControlPlane({ flakySteps: { beginPhase: 'StaleFence' } });

    const execution = await execute(run, fake);

    expect(execution.error).toBe('PhaseFailed');
    expect(stepsNamed(fake.steps, 'beginPhase')).toHaveLength(1);
    expect(stepsNamed(fake.steps, 'recordFailure')[0]?.error.Error).toBe('StaleFence');
  });
});

describe('rollback machine', () => {
  it('rolls phases back in reverse dependency order', async () => {
    const fake = makeFakeControlPlane();

    const execution = await execute(rollback, fake);

    expect(execution.error).toBeUndefined();
    expect(buildsOf(fake)).toEqual(rollbackOrder().map((phase) => `${phase.id} rollback`));
    expect(stepsNamed(fake.steps, 'gate').every((request) => request.action === 'rollback')).toBe(
      true,
    );
    expect(fake.timeline.at(-1)).toBe('releaseLock');
  });

  it('passes phases the gate passes', async () => {
    const fake = makeFakeControlPlane({
      decisions: {
        '01-prerequisites': 'pass',
        '02-infrastructure': 'pass',
        '03-kubernetes': 'pass',
        '05-k6-infrastructure': 'pass',
      },
    });

    await execute(rollback, fake);

    expect(buildsOf(fake)).toEqual([
      '08-analysis rollback',
      '07-performance-tests rollback',
      '06-first-test rollback',
      '04-mojaloop rollback',
    ]);
  });

  it('stops at a failed rollback', async () => {
    const fake = makeFakeControlPlane({
      failingBuilds: { '06-first-test rollback': 'States.TaskFailed' },
    });

    const execution = await execute(rollback, fake);

    expect(execution.error).toBe('PhaseFailed');
    expect(buildsOf(fake).at(-1)).toBe('06-first-test rollback');
    const [failure] = stepsNamed(fake.steps, 'recordFailure');
    expect(failure?.phase).toBe('06-first-test');
    expect(failure?.action).toBe('rollback');
    expect(stepsNamed(fake.steps, 'releaseLock')[0]?.outcome).toBe('PhaseFailed');
  });
});

describe('validate machine', () => {
  it('validates every phase and succeeds', async () => {
    const fake = makeFakeControlPlane();

    const execution = await execute(validate, fake);

    expect(execution.error).toBeUndefined();
    expect(buildsOf(fake)).toEqual(dependencyOrder().map((phase) => `${phase.id} validate`));
    expect(stepsNamed(fake.steps, 'releaseLock')[0]?.outcome).toBe('Succeeded');
  });

  it('continues past a failing phase', async () => {
    const fake = makeFakeControlPlane({
      failingBuilds: { '04-mojaloop validate': 'States.TaskFailed' },
    });

    const execution = await execute(validate, fake);

    expect(buildsOf(fake)).toHaveLength(8);
    const records = stepsNamed(fake.steps, 'recordValidation');
    expect(records.map((request) => request.phase)).toEqual([...PHASE_IDS]);
    expect(records[3]?.result).toEqual({
      Error: 'States.TaskFailed',
      Cause: 'build of 04-mojaloop validate failed',
    });
    expect(records[4]?.result).toEqual({ id: 'build-5', status: 'SUCCEEDED' });
    expect(stepsNamed(fake.steps, 'summarizeValidation')).toHaveLength(1);
    expect(stepsNamed(fake.steps, 'releaseLock')[0]?.outcome).toBe('PhaseFailed');
    expect(execution.error).toBe('PhaseFailed');
  });

  it('releases the lock when recording fails', async () => {
    const fake = makeFakeControlPlane({ brokenSteps: ['recordValidation'] });

    const execution = await execute(validate, fake);

    expect(execution.error).toBe('Internal');
    expect(buildsOf(fake)).toEqual(['01-prerequisites validate']);
    expect(stepsNamed(fake.steps, 'releaseLock')).toHaveLength(1);
  });
});

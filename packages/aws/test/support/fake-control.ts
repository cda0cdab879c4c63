import { PHASE_IDS } from '@perfplane/core';
import type { AwsControlDeps, ControlModule } from '../../src/wiring.js';

/**
 * Stand-in for @perfplane/control that calls the ports the way the control
 * operations do (start, stop, stop builds, read logs, store objects), so the
 * IAM test records the AWS commands each Lambda sends.
 * TODO: drive the real control package here; its steps need the run records
 * that the scenarios below do not create yet.
 */
export const fakeControl: ControlModule = {
  async handleApiRequest(deps, request) {
    const environment = request.path.split('/')[2] ?? '';
    if (request.method === 'POST' && request.path.endsWith('/runs')) {
      const run = await deps.store.createRun({ environment, phases: ['01-prerequisites'] });
      const executionArn = await deps.orchestrator.start('run', {
        runId: run.runId,
        environment,
        phases: run.phases,
        interactive: false,
      });
      await deps.store.updateRun(run.runId, { executionArn });
      return { status: 200, headers: {}, body: JSON.stringify({ runId: run.runId }) };
    }
    const phases = await deps.store.getPhaseStates(environment);
    await deps.store.getLock(environment);
    await deps.store.listRuns(environment, 1);
    await deps.artifacts.list(`reports/${environment}/`);
    return { status: 200, headers: {}, body: JSON.stringify({ phases: phases.length }) };
  },

  async handleStep(deps, input) {
    const grant = await deps.store.acquireLock({
      environment: input.environment,
      owner: input.runId,
      leaseMs: 60_000,
      ownerEnded: async () => false,
    });
    await deps.store.updatePhaseState(
      input.environment,
      '01-prerequisites',
      { status: 'running' },
      grant.fence,
    );
    await deps.store.appendEvent(input.runId, { type: 'lock-acquired', message: 'lock acquired' });
    return { fence: grant.fence };
  },

  async emergencyStop(deps, environment) {
    const lock = await deps.store.getLock(environment);
    const run = lock?.owner ? await deps.store.getRun(lock.owner) : undefined;
    if (!run || !lock) {
      return { stopped: false, builds: [], message: 'no run' };
    }
    await deps.store.updateRun(run.runId, { status: 'stopping' });
    await deps.store.appendEvent(run.runId, { type: 'emergency-stop', message: 'stop' });
    if (run.executionArn) {
      await deps.orchestrator.stop(run.executionArn, 'emergency stop');
    }
    const builds = (await deps.store.listEvents(run.runId))
      .filter((event) => event.type === 'build-started')
      .map((event) => String(event.data?.buildId));
    for (const build of builds) {
      await deps.builds.stop(build);
    }
    await deps.store.releaseLock(environment, run.runId, lock.fence);
    await deps.store.updateRun(run.runId, { status: 'stopped' });
    return { stopped: true, runId: run.runId, builds, message: 'stopped' };
  },

  async buildSupportBundle(deps, environment) {
    const texts: string[] = [];
    for (const run of await deps.store.listRuns(environment, 10)) {
      await deps.store.listEvents(run.runId);
      for (const log of await deps.logs.readRunLogs(run.runId)) {
        texts.push(log.text);
      }
    }
    const key = `support-bundles/${environment}/bundle.tar.gz`;
    await deps.artifacts.putObject(key, texts.join('\n'), { contentType: 'application/gzip' });
    return {
      key,
      location: `s3://x/${key}`,
      fileName: 'bundle.tar.gz',
      bytes: 1,
      files: 1,
      redactions: [],
    };
  },

  async validateAll(deps: AwsControlDeps, environment: string) {
    const run = await deps.store.createRun({ environment, phases: [...PHASE_IDS] });
    await deps.orchestrator.start('validate', {
      runId: run.runId,
      environment,
      phases: run.phases,
      interactive: false,
    });
    return { runId: run.runId };
  },

  async finishExecution(deps, runId) {
    const run = await deps.store.getRun(runId);
    if (run) {
      await deps.store.updateRun(runId, { status: 'stopped', endedAt: new Date().toISOString() });
      const lock = await deps.store.getLock(run.environment);
      if (lock?.owner === runId) {
        await deps.store.releaseLock(run.environment, runId, lock.fence);
      }
    }
  },
};

import { resume, startRun } from '@perfplane/control';
import { PHASE_IDS } from '@perfplane/core';
import { type RunningService, startService } from '@perfplane/embedded';
import { afterEach, describe, expect, it } from 'vitest';
import { makeWorkspace, STATEMACHINES, type Workspace, waitForRun } from './helpers/workspace.js';

let workspace: Workspace | undefined;
let service: RunningService | undefined;

async function start(ws: Workspace): Promise<RunningService> {
  workspace = ws;
  service = await startService({
    root: ws.root,
    home: ws.home,
    buildspecDir: ws.buildspecDir,
    statemachineDir: STATEMACHINES,
    killGraceMs: 500,
    approvalPollMs: 50,
  });
  return service;
}

afterEach(async () => {
  await service?.close();
  await workspace?.remove();
  service = undefined;
  workspace = undefined;
});

describe('embedded run', () => {
  it('completes all eight phases', async () => {
    const svc = await start(await makeWorkspace({ '04-mojaloop': 'progress-reporting' }));
    const run = await startRun(svc.deps, 'rehearsal', {});
    const ended = await waitForRun(svc.deps.store, run.runId);
    expect(ended.status).toBe('succeeded');

    const states = await svc.deps.store.getPhaseStates('rehearsal');
    for (const state of states) {
      expect(state.status, state.phaseId).toBe('completed');
      expect(state.outputs.name, state.phaseId).toBe(`${state.phaseId}-trivial`);
    }
    const mojaloop = states.find((state) => state.phaseId === '04-mojaloop');
    expect(mojaloop?.outputs.endpoint).toBe('http://127.0.0.1:18080');
    expect(mojaloop?.step).toBe('Waiting for rollout');
    const trace = await workspace?.trace();
    expect(trace?.filter((line) => line.endsWith('deploy'))).toEqual(
      PHASE_IDS.map((id) => `${id} deploy`),
    );
  });

  it('resumes after a failure in 04', async () => {
    const ws = await makeWorkspace({ '04-mojaloop': 'failing' });
    const svc = await start(ws);
    const run = await startRun(svc.deps, 'rehearsal', {});
    const failed = await waitForRun(svc.deps.store, run.runId);
    expect(failed.status).toBe('failed');
    const states = await svc.deps.store.getPhaseStates('rehearsal');
    const status = Object.fromEntries(states.map((state) => [state.phaseId, state.status]));
    expect(status['01-prerequisites']).toBe('completed');
    expect(status['02-infrastructure']).toBe('completed');
    expect(status['03-kubernetes']).toBe('completed');
    expect(status['04-mojaloop']).toBe('failed');
    expect(status['05-k6-infrastructure']).toBe('not-started');

    await ws.use('04-mojaloop', 'trivial');
    const before = (await ws.trace()).length;
    const resumed = await resume(svc.deps, 'rehearsal');
    expect(resumed.runId).toBe(run.runId);
    const ended = await waitForRun(svc.deps.store, run.runId);
    expect(ended.status).toBe('succeeded');
    const after = (await ws.trace()).slice(before).filter((line) => line.endsWith('deploy'));
    expect(after).toEqual(PHASE_IDS.slice(3).map((id) => `${id} deploy`));
  });
});

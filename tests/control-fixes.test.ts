import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { costSaving, emergencyStop, rollback, skip, startRun } from '@perfplane/control';
import { PerfplaneError } from '@perfplane/core';
import { type RunningService, startService } from '@perfplane/embedded';
import { afterEach, describe, expect, it } from 'vitest';
import {
  makeWorkspace,
  STATEMACHINES,
  type Workspace,
  waitFor,
  waitForRun,
} from './helpers/workspace.js';

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

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'none';
  } catch (error) {
    return error instanceof PerfplaneError ? `${error.code}: ${error.message}` : String(error);
  }
}

describe('cost saving', () => {
  it('takes the environment lock', async () => {
    const ws = await makeWorkspace({ '02-infrastructure': 'long-running' });
    const svc = await start(ws);
    const run = await startRun(svc.deps, 'rehearsal', { phases: ['01', '02'] });
    await waitFor(
      async () => (existsSync(path.join(ws.home, 'pgid-02-infrastructure')) ? true : undefined),
      '02 deploy to start',
    );

    const rejected = await codeOf(costSaving(svc.deps, 'rehearsal', { action: 'on' }));
    expect(rejected).toMatch(/^LockHeld: /);
    expect(rejected).toContain(run.runId);

    await writeFile(path.join(ws.home, 'release-02-infrastructure'), '');
    expect((await waitForRun(svc.deps.store, run.runId)).status).toBe('succeeded');

    const result = await costSaving(svc.deps, 'rehearsal', { action: 'on' });
    expect(result.retainData).toBe(true);
    const events = await svc.deps.store.listEvents(result.operationId);
    expect(events.map((event) => event.type)).toEqual(['cost-saving-on', 'cost-saving-on']);
    expect(events[1]?.message).toContain('finished');
    expect((await svc.deps.store.getLock('rehearsal'))?.owner).toBeUndefined();
  });
});

describe('dependency check', () => {
  it('follows skipped phases down', async () => {
    const svc = await start(await makeWorkspace({}, { provided: { '03-kubernetes': 'given' } }));
    const deployed = await startRun(svc.deps, 'rehearsal', { phases: ['01', '02', '03'] });
    expect((await waitForRun(svc.deps.store, deployed.runId)).status).toBe('succeeded');
    const rolled = await rollback(svc.deps, 'rehearsal', { all: true, confirm: true });
    expect((await waitForRun(svc.deps.store, rolled.runId)).status).toBe('succeeded');
    const runsBefore = await svc.deps.store.listRuns('rehearsal', 20);

    const deploy = await codeOf(startRun(svc.deps, 'rehearsal', { phases: ['04'] }));
    expect(deploy).toMatch(/^DependencyNotMet: cannot deploy 04-mojaloop: 02-infrastructure/);
    expect(deploy).toContain('`perfplane deploy 02-infrastructure`');
    const skipped = await codeOf(skip(svc.deps, 'rehearsal', '04', 'exists'));
    expect(skipped).toMatch(/^DependencyNotMet: cannot skip 04-mojaloop: 02-infrastructure/);
    expect(await svc.deps.store.listRuns('rehearsal', 20)).toEqual(runsBefore);
  });
});

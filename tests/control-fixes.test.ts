import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  buildSupportBundle,
  costSaving,
  emergencyStop,
  progress,
  resume,
  rollback,
  skip,
  startRun,
} from '@perfplane/control';
import { PerfplaneError } from '@perfplane/core';
import type { RunningService } from '@perfplane/embedded';
import type { Run } from '@perfplane/store';
import { list } from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './helpers/ports.js';
import {
  makeWorkspace,
  REPO_ROOT,
  startWorkspaceService,
  type Workspace,
  waitFor,
  waitForRun,
} from './helpers/workspace.js';

let workspace: Workspace | undefined;
let service: RunningService | undefined;
let simulatorPid: number | undefined;

async function start(ws: Workspace): Promise<RunningService> {
  workspace = ws;
  service = await startWorkspaceService(ws);
  return service;
}

afterEach(async () => {
  if (simulatorPid && alive(simulatorPid)) {
    process.kill(simulatorPid, 'SIGTERM');
  }
  simulatorPid = undefined;
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
    const rolled = (await rollback(svc.deps, 'rehearsal', { all: true, confirm: true })) as Run;
    expect((await waitForRun(svc.deps.store, rolled.runId)).status).toBe('succeeded');
    const runsBefore = await svc.deps.store.listRuns('rehearsal', 20);
    const view = await progress(svc.deps, 'rehearsal');
    expect(view.remainingSeconds).toBe(0);
    expect(view.remainingIfResumed).toBe(false);

    const deploy = await codeOf(startRun(svc.deps, 'rehearsal', { phases: ['04'] }));
    expect(deploy).toMatch(/^DependencyNotMet: cannot deploy 04-mojaloop: 02-infrastructure/);
    expect(deploy).toContain('`perfplane deploy 02-infrastructure`');
    const skipped = await codeOf(skip(svc.deps, 'rehearsal', '04', 'exists'));
    expect(skipped).toMatch(/^DependencyNotMet: cannot skip 04-mojaloop: 02-infrastructure/);
    expect(await svc.deps.store.listRuns('rehearsal', 20)).toEqual(runsBefore);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('emergency stop', () => {
  it('counts running builds, stops the simulator', async () => {
    const ws = await makeWorkspace({ '02-infrastructure': 'long-running' });
    await symlink(path.join(REPO_ROOT, 'phases'), path.join(ws.root, 'phases'));
    const port = await freePort();
    await promisify(execFile)(
      'bash',
      ['phases/02-infrastructure/deploy.sh', '--env', 'rehearsal'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, PERFPLANE_HOME: ws.home, PERFPLANE_SIMULATOR_PORT: String(port) },
      },
    );
    const pidFile = path.join(ws.home, 'simulator/simulator.pid');
    simulatorPid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(alive(simulatorPid)).toBe(true);

    const svc = await start(ws);
    const run = await startRun(svc.deps, 'rehearsal', { phases: ['01', '02'] });
    await waitFor(
      async () => (existsSync(path.join(ws.home, 'pgid-02-infrastructure')) ? true : undefined),
      '02 deploy to start',
    );
    const result = await emergencyStop(svc.deps, 'rehearsal');
    expect(result.builds).toHaveLength(1);
    expect(result.message).toContain(`stopped run ${run.runId} and 1 running build(s)`);
    expect(result.platform).toEqual([`stopping simulator pid ${simulatorPid}`]);
    expect(alive(simulatorPid)).toBe(false);

    const stopped = await progress(svc.deps, 'rehearsal');
    expect(stopped.remainingIfResumed).toBe(true);
    expect(stopped.remainingSeconds).toBeGreaterThan(0);

    const again = await emergencyStop(svc.deps, 'rehearsal');
    expect(again.stopped).toBe(false);
    expect(again.platform).toEqual([]);
  });
});

describe('support bundle', () => {
  it('adds redacted runtime logs', async () => {
    const ws = await makeWorkspace();
    const svc = await start(ws);
    const run = await startRun(svc.deps, 'rehearsal', { phases: ['01'] });
    await waitForRun(svc.deps.store, run.runId);
    const old = new Date('2026-01-02T03:04:05Z');
    const logs: [string, string][] = [
      ['service.log', '{"msg":"start","token":"servicetoken1"}\n'],
      ['simulator/simulator.log', 'listening; DB_PASS=simpass1\n'],
      ['results/smoke/k6.log', 'k6 run --token k6token1\n'],
    ];
    for (const [name, text] of logs) {
      await mkdir(path.dirname(path.join(ws.home, name)), { recursive: true });
      await writeFile(path.join(ws.home, name), text);
      await utimes(path.join(ws.home, name), old, old);
    }

    const bundle = await buildSupportBundle(svc.deps, 'rehearsal');
    const entries = new Map<string, { mtime?: Date; text: string }>();
    await list({
      file: bundle.localPath ?? '',
      onReadEntry: (entry) => {
        let text = '';
        entry.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        entry.on('end', () => entries.set(entry.path, { mtime: entry.mtime, text }));
      },
    });
    for (const [name, text] of logs) {
      const entry = entries.get(`bundle/runtime/${name.replace('results/', 'k6/results/')}`);
      expect(entry, name).toBeDefined();
      expect(entry?.mtime?.toISOString(), name).toBe(old.toISOString());
      expect(entry?.text, name).toContain('[REDACTED]');
      expect(entry?.text, name).not.toMatch(/servicetoken1|simpass1|k6token1/);
      expect(text).toMatch(/servicetoken1|simpass1|k6token1/);
    }
    const runLog = entries.get(`bundle/runs/${run.runId}/logs/01-prerequisites.deploy.log`);
    expect(runLog?.mtime?.getTime()).toBeGreaterThan(old.getTime());
  });
});

describe('rollback of one phase', () => {
  it('never deployed starts no run', async () => {
    const svc = await start(await makeWorkspace());
    const result = await rollback(svc.deps, 'rehearsal', { phase: '05' });
    expect(result).toEqual({
      nothingToRollBack: true,
      phases: [],
      message: 'nothing to roll back: 05-k6-infrastructure is not deployed in "rehearsal"',
    });
    expect(await svc.deps.store.listRuns('rehearsal', 5)).toEqual([]);
  });
});

describe('rollback of a skipped phase', () => {
  it('starts no run', async () => {
    const ws = await makeWorkspace({}, { provided: { '03-kubernetes': 'provided here' } });
    const svc = await start(ws);
    const run = await startRun(svc.deps, 'rehearsal', { phases: ['01', '02', '03'] });
    expect((await waitForRun(svc.deps.store, run.runId)).status).toBe('succeeded');

    const result = await rollback(svc.deps, 'rehearsal', { phase: '03' });

    expect(result).toEqual({
      nothingToRollBack: true,
      phases: [],
      message:
        'nothing to roll back: 03-kubernetes is skipped, so perfplane deployed nothing for it in "rehearsal"',
    });
    expect(await svc.deps.store.listRuns('rehearsal', 5)).toHaveLength(1);
  });
});

describe('resume after rollback', () => {
  it('has nothing to resume', async () => {
    const svc = await start(await makeWorkspace({ '02-infrastructure': 'failing' }));
    const run = await startRun(svc.deps, 'rehearsal', { phases: ['01', '02'] });
    expect((await waitForRun(svc.deps.store, run.runId)).status).toBe('failed');
    const undo = await rollback(svc.deps, 'rehearsal', { all: true, confirm: true });
    expect('runId' in undo).toBe(true);
    await waitForRun(svc.deps.store, (undo as Run).runId);

    const rejected = await codeOf(resume(svc.deps, 'rehearsal'));

    expect(rejected).toMatch(/^NothingToResume: /);
    expect(rejected).toContain(`followed by rollback ${(undo as Run).runId}`);
    expect((await svc.deps.store.getRun(run.runId))?.status).toBe('failed');
  });
});

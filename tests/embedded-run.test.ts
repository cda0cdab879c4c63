import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  approve,
  buildSupportBundle,
  emergencyStop,
  progress,
  resume,
  startRun,
  validateAll,
} from '@perfplane/control';
import { PHASE_IDS } from '@perfplane/core';
import { groupAlive, type RunningService } from '@perfplane/embedded';
import { extract } from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import {
  makeWorkspace,
  startWorkspaceService,
  type Workspace,
  waitFor,
  waitForRun,
} from './helpers/workspace.js';

let workspace: Workspace | undefined;
let service: RunningService | undefined;

async function start(ws: Workspace): Promise<RunningService> {
  workspace = ws;
  service = await startWorkspaceService(ws);
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

  it('stops on unmet requirements', async () => {
    const svc = await start(await makeWorkspace({ '01-prerequisites': 'requirements-unmet' }));
    const run = await startRun(svc.deps, 'rehearsal', {});
    const ended = await waitForRun(svc.deps.store, run.runId);
    expect(ended.status).toBe('requirements-not-met');
    expect(ended.error?.code).toBe('RequirementsNotMet');
    const view = await progress(svc.deps, 'rehearsal');
    expect(view.phases[0]?.status).toBe('requirements-not-met');
    expect(view.phases[0]?.unmet).toHaveLength(2);
    expect(view.phases[1]?.status).toBe('not-started');
    expect(view.lock.owner).toBeUndefined();
  });

  it('skips and validates a provided phase', async () => {
    const ws = await makeWorkspace({}, { provided: { '03-kubernetes': 'existing cluster' } });
    const svc = await start(ws);
    const run = await startRun(svc.deps, 'rehearsal', {});
    expect((await waitForRun(svc.deps.store, run.runId)).status).toBe('succeeded');
    const state = await svc.deps.store.getPhaseState('rehearsal', '03-kubernetes');
    expect(state.status).toBe('skipped');
    expect(state.reason).toBe('existing cluster');
    const trace = await ws.trace();
    expect(trace).toContain('03-kubernetes validate');
    expect(trace).not.toContain('03-kubernetes deploy');
  });

  it('reports undeployed phases on validate', async () => {
    const svc = await start(await makeWorkspace());
    const deploy = await startRun(svc.deps, 'rehearsal', { phases: ['01'] });
    await waitForRun(svc.deps.store, deploy.runId);
    const run = await validateAll(svc.deps, 'rehearsal');
    expect((await waitForRun(svc.deps.store, run.runId)).status).toBe('succeeded');
    const events = await svc.deps.store.listEvents(run.runId);
    const results = events.filter((event) => event.type === 'phase-validated');
    expect(results).toHaveLength(8);
    expect(results[0]?.data?.deployed).toBe(true);
    expect(results[1]?.message).toBe('Not deployed yet');
    expect(await workspace?.trace()).toEqual([
      '01-prerequisites deploy',
      '01-prerequisites validate',
      '01-prerequisites validate',
    ]);
  });

  it('waits for an approval', async () => {
    const svc = await start(await makeWorkspace());
    const run = await startRun(svc.deps, 'rehearsal', { phases: ['01'], interactive: true });
    await waitFor(async () => {
      const events = await svc.deps.store.listEvents(run.runId);
      return events.find((event) => event.type === 'approval-requested');
    }, 'the approval request');
    expect(await workspace?.trace()).toEqual([]);
    const waiting = await progress(svc.deps, 'rehearsal');
    expect(waiting.phases[0]?.awaitingApproval).toBe(true);
    expect(waiting.phases[1]?.awaitingApproval).toBe(false);
    await approve(svc.deps, run.runId, { phase: '01', action: 'deploy', approved: true });
    expect((await waitForRun(svc.deps.store, run.runId)).status).toBe('succeeded');
  });

  it('stops a run rejected at approval', async () => {
    const svc = await start(await makeWorkspace());
    const run = await startRun(svc.deps, 'rehearsal', { phases: ['01'], interactive: true });
    await waitFor(async () => {
      const events = await svc.deps.store.listEvents(run.runId);
      return events.find((event) => event.type === 'approval-requested');
    }, 'the approval request');
    await approve(svc.deps, run.runId, { phase: '01', action: 'deploy', approved: false });
    const ended = await waitForRun(svc.deps.store, run.runId);
    expect(ended.status).toBe('stopped');
    expect(await workspace?.trace()).toEqual([]);
    expect((await emergencyStop(svc.deps, 'rehearsal')).stopped).toBe(false);
  });
});

describe('graceful shutdown', () => {
  it('interrupts the run for resume', async () => {
    const ws = await makeWorkspace({ '02-infrastructure': 'long-running' });
    const first = await start(ws);
    const run = await startRun(first.deps, 'rehearsal', {});
    const pgidFile = path.join(ws.home, 'pgid-02-infrastructure');
    const pgid = await waitFor(async () => {
      const text = await readFile(pgidFile, 'utf8').catch(() => '');
      return text.trim() ? Number(text) : undefined;
    }, 'the long build');
    await first.close();
    expect(groupAlive(pgid)).toBe(false);

    const second = await start(ws);
    const interrupted = await second.deps.store.getRun(run.runId);
    expect(interrupted?.status).toBe('interrupted');
    const state = await second.deps.store.getPhaseState('rehearsal', '02-infrastructure');
    expect(state.status).toBe('stopped');

    await writeFile(path.join(ws.home, 'release-02-infrastructure'), '');
    await resume(second.deps, 'rehearsal');
    expect((await waitForRun(second.deps.store, run.runId)).status).toBe('succeeded');
  });
});

describe('support bundle', () => {
  it('redacts secrets from logs', async () => {
    const svc = await start(await makeWorkspace());
    const run = await startRun(svc.deps, 'rehearsal', { phases: ['01'] });
    await waitForRun(svc.deps.store, run.runId);
    const log = path.join(
      svc.deps.bundleDir ?? '',
      '../logs',
      run.runId,
      '01-prerequisites.deploy.log',
    );
    await appendFile(
      log,
      'helm --set DB_PASSWORD=hunter2secret\nAuthorization: Bearer abcdefghijkl\n',
    );

    const bundle = await buildSupportBundle(svc.deps, 'rehearsal');
    expect(bundle.fileName).toMatch(/^perfplane-support-rehearsal-\d{4}-\d{2}-\d{2}T.*\.tar\.gz$/);
    expect(bundle.key).toBe(`support-bundles/rehearsal/${bundle.fileName}`);
    const listed = await svc.deps.artifacts.list('support-bundles/rehearsal/');
    expect(listed.map((entry) => entry.key)).toContain(bundle.key);

    const out = await mkdtemp(path.join(tmpdir(), 'perfplane-bundle-test-'));
    try {
      await extract({ file: bundle.localPath ?? '', cwd: out });
      const logs = path.join(out, 'bundle/runs', run.runId, 'logs');
      expect(await readdir(logs)).toEqual([
        '01-prerequisites.deploy.log',
        '01-prerequisites.validate.log',
      ]);
      const text = await readFile(path.join(logs, '01-prerequisites.deploy.log'), 'utf8');
      expect(text).not.toContain('hunter2secret');
      expect(text).not.toContain('abcdefghijkl');
      const manifest = JSON.parse(await readFile(path.join(out, 'bundle/manifest.json'), 'utf8'));
      const entry = manifest.redactions.find((item: { file: string }) =>
        item.file.endsWith('deploy.log'),
      );
      expect(entry.counts.map((count: { rule: string }) => count.rule).sort()).toEqual([
        'bearer-token',
        'key-value-secret',
      ]);
      const events = JSON.parse(
        await readFile(path.join(out, 'bundle/runs', run.runId, 'events.json'), 'utf8'),
      );
      expect(events.length).toBeGreaterThan(5);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

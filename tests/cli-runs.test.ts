import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ERROR_CODES, PHASE_IDS, rollbackOrder } from '@perfplane/core';
import { groupAlive } from '@perfplane/embedded';
import { afterEach, describe, expect, it } from 'vitest';
import { api, cli, runtimePid, startCli } from './helpers/cli.js';
import { type Fixture, makeWorkspace, type Workspace, waitFor } from './helpers/workspace.js';

interface Progress {
  run?: { runId: string; status: string };
  phases: { phaseId: string; status: string; reason?: string; outputs: Record<string, string> }[];
  lock: { owner?: string };
}

const workspaces: Workspace[] = [];

async function workspaceWith(fixtures: Partial<Record<string, Fixture>>): Promise<Workspace> {
  const workspace = await makeWorkspace(fixtures);
  workspaces.push(workspace);
  return workspace;
}

/** Process groups of long builds, killed after each test so a failed test leaves none behind. */
const groups: number[] = [];

afterEach(async () => {
  for (const pgid of groups.splice(0)) {
    if (groupAlive(pgid)) {
      process.kill(-pgid, 'SIGKILL');
    }
  }
  for (const workspace of workspaces.splice(0)) {
    await cli(workspace, ['runtime', 'stop']);
    await workspace.remove();
  }
});

const progress = (workspace: Workspace) =>
  api<Progress>(workspace, 'GET', '/environments/rehearsal/progress');

function pgidFile(workspace: Workspace, phase: string): string {
  return path.join(workspace.home, `pgid-${phase}`);
}

async function readPgid(workspace: Workspace, phase: string): Promise<number> {
  const pgid = await waitFor(async () => {
    const text = await readFile(pgidFile(workspace, phase), 'utf8').catch(() => '');
    return text.trim() ? Number(text) : undefined;
  }, `the ${phase} build to start`);
  groups.push(pgid);
  return pgid;
}

function phaseRecords(view: Progress) {
  return view.phases.map((phase) => ({
    phase: phase.phaseId,
    status: phase.status,
    outputs: phase.outputs,
  }));
}

describe('lock and emergency stop', () => {
  it('rejects a second run, then stops the first', async () => {
    const workspace = await workspaceWith({ '02-infrastructure': 'long-running' });
    const first = startCli(workspace, ['run-all']);
    const pgid = await readPgid(workspace, '02-infrastructure');
    const holder = (await progress(workspace)).run?.runId ?? '';

    const second = await cli(workspace, ['run-all']);
    expect(second.code).toBe(ERROR_CODES.LockHeld);
    expect(second.stderr).toContain(`locked by run ${holder}`);
    expect(second.stderr).toMatch(/since \d{4}-\d{2}-\d{2}T/);

    const startedAt = Date.now();
    const stop = await cli(workspace, ['emergency-stop']);
    const elapsed = Date.now() - startedAt;
    expect(stop.code).toBe(0);
    expect(stop.stdout).toContain(`stopped run ${holder}`);
    expect(groupAlive(pgid)).toBe(false);
    expect(elapsed).toBeLessThan(5000);

    const after = await progress(workspace);
    expect(after.run?.status).toBe('stopped');
    expect(after.lock.owner).toBeUndefined();
    const infrastructure = after.phases.find((phase) => phase.phaseId === '02-infrastructure');
    expect(infrastructure?.status).toBe('stopped');

    const firstResult = await first.done;
    expect(firstResult.code).toBe(ERROR_CODES.RunStopped);

    const again = await cli(workspace, ['emergency-stop']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('no run in progress');
    expect((await progress(workspace)).run?.status).toBe('stopped');
  });
});

describe('kill and resume', () => {
  it('matches an uninterrupted run', async () => {
    const reference = await workspaceWith({ '04-mojaloop': 'long-running' });
    await writeFile(path.join(reference.home, 'release-04-mojaloop'), '');
    expect((await cli(reference, ['run-all'])).code).toBe(0);
    const expected = phaseRecords(await progress(reference));

    const workspace = await workspaceWith({ '04-mojaloop': 'long-running' });
    const first = startCli(workspace, ['run-all']);
    const pgid = await readPgid(workspace, '04-mojaloop');
    process.kill(await runtimePid(workspace), 'SIGKILL');
    await first.done;
    expect(groupAlive(pgid)).toBe(true);

    expect((await cli(workspace, ['runtime', 'start'])).code).toBe(0);
    expect(groupAlive(pgid)).toBe(false);
    const interrupted = await progress(workspace);
    expect(interrupted.run?.status).toBe('interrupted');

    await writeFile(path.join(workspace.home, 'release-04-mojaloop'), '');
    const resumed = await cli(workspace, ['resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('Phase Status Overview');
    expect(phaseRecords(await progress(workspace))).toEqual(expected);
    const deploys = (await workspace.trace()).filter((line) => line.endsWith('deploy'));
    expect(deploys.filter((line) => line.startsWith('03-kubernetes'))).toHaveLength(1);
  });
});

describe('rollback and skip', () => {
  it('rolls back in reverse dependency order', async () => {
    const workspace = await workspaceWith({});
    expect((await cli(workspace, ['run-all'])).code).toBe(0);

    const rejected = await cli(workspace, ['rollback', '04']);
    expect(rejected.code).toBe(ERROR_CODES.Conflict);
    expect(rejected.stderr).toContain('--cascade');

    const cascade = await cli(workspace, ['rollback', '04', '--cascade']);
    expect(cascade.code).toBe(0);
    const first = (await workspace.trace()).filter((line) => line.endsWith('rollback'));
    expect(first).toEqual([
      '08-analysis rollback',
      '07-performance-tests rollback',
      '06-first-test rollback',
      '04-mojaloop rollback',
    ]);

    const all = await cli(workspace, ['rollback-all', '--confirm']);
    expect(all.code).toBe(0);
    const second = (await workspace.trace()).filter((line) => line.endsWith('rollback')).slice(4);
    const remaining = [
      '01-prerequisites',
      '02-infrastructure',
      '03-kubernetes',
      '05-k6-infrastructure',
    ];
    expect(second).toEqual(
      rollbackOrder()
        .map((phase) => phase.id)
        .filter((id) => remaining.includes(id))
        .map((id) => `${id} rollback`),
    );
    const statuses = (await progress(workspace)).phases.map((phase) => phase.status);
    expect(statuses).toEqual(PHASE_IDS.map(() => 'rolled-back'));
  });

  it('records the reason and validates', async () => {
    const workspace = await workspaceWith({});
    const result = await cli(workspace, ['skip', '01', '--reason', 'tools checked by hand']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✅ Prerequisites:');
    const prerequisites = (await progress(workspace)).phases[0];
    expect(prerequisites?.status).toBe('skipped');
    expect(prerequisites?.reason).toBe('tools checked by hand');
    expect(await workspace.trace()).toEqual(['01-prerequisites validate']);

    const view = await cli(workspace, ['show-progress']);
    expect(view.stdout).toContain('⏭️  01-prerequisites   [Skipped: tools checked by hand]');

    const next = await cli(workspace, ['deploy', '02']);
    expect(next.code).toBe(0);
    expect((await workspace.trace()).filter((line) => line.endsWith('deploy'))).toEqual([
      '02-infrastructure deploy',
    ]);
  });
});

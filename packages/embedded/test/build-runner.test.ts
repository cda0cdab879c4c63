import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadEnvironment } from '@perfplane/core';
import { Store } from '@perfplane/store';
import { dynaliteClient, type LocalServer, startDynalite } from '@perfplane/store/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, type Workspace } from '../../../tests/helpers/workspace.js';
import { LocalBuildRunner } from '../src/build-runner.js';
import { groupAlive } from '../src/process-group.js';

let dynamo: LocalServer;
let store: Store;
let workspace: Workspace;
let runner: LocalBuildRunner;
let sequence = 0;

beforeAll(async () => {
  dynamo = await startDynalite({ tableName: 'perfplane' });
  store = new Store({ client: dynaliteClient(dynamo.endpoint), tableName: 'perfplane' });
});

afterAll(async () => {
  await dynamo.close();
});

afterEach(async () => {
  await workspace?.remove();
});

async function setUp(buildspec: string): Promise<{ runId: string; fence: number }> {
  workspace = await makeWorkspace();
  await writeFile(path.join(workspace.buildspecDir, '01-prerequisites.yml'), buildspec);
  runner = new LocalBuildRunner({
    root: workspace.root,
    home: workspace.home,
    buildspecDir: workspace.buildspecDir,
    store,
    loadEnvironment: (name) => loadEnvironment(workspace.root, name),
    killGraceMs: 300,
  });
  sequence += 1;
  const environment = `runner-${sequence}`;
  await writeFile(
    path.join(workspace.root, 'environments', `${environment}.yaml`),
    (await readFile(path.join(workspace.root, 'environments/rehearsal.yaml'), 'utf8')).replace(
      'name: rehearsal',
      `name: ${environment}`,
    ),
  );
  const run = await store.createRun({ environment, phases: ['01-prerequisites'] });
  const grant = await store.acquireLock({ environment, owner: run.runId, leaseMs: 60_000 });
  return { runId: run.runId, fence: grant.fence };
}

function request(
  context: { runId: string; fence: number },
  action: 'deploy' | 'validate' = 'deploy',
) {
  return {
    runId: context.runId,
    environment: `runner-${sequence}`,
    phase: '01-prerequisites' as const,
    action,
    fence: context.fence,
  };
}

describe('LocalBuildRunner', () => {
  it('passes the contract variables', async () => {
    const context = await setUp(
      [
        'version: 0.2',
        'env:',
        '  variables:',
        '    FROM_SPEC: spec-value',
        'phases:',
        '  build:',
        '    commands:',
        '      - echo "##perfplane[output] action=$PERFPLANE_ACTION"',
        '      - echo "##perfplane[output] fence=$PERFPLANE_FENCE"',
        '      - echo "##perfplane[output] platform=$PERFPLANE_PLATFORM"',
        '      - echo "##perfplane[output] spec=$FROM_SPEC"',
        '      - echo "##perfplane[output] cwd=$(pwd)"',
        '      - echo "##perfplane[output] inputs=$(cat "$PERFPLANE_INPUTS_FILE" | tr -d " \\n")"',
      ].join('\n'),
    );
    const result = await runner.run(request(context));
    expect(result.Build.BuildStatus).toBe('SUCCEEDED');
    const state = await store.getPhaseState(`runner-${sequence}`, '01-prerequisites');
    expect(state.outputs.action).toBe('deploy');
    expect(state.outputs.fence).toBe(String(context.fence));
    expect(state.outputs.platform).toBe('rehearsal');
    expect(state.outputs.spec).toBe('spec-value');
    expect(state.outputs.cwd).toBe(workspace.root);
    expect(state.outputs.inputs).toContain('"01-prerequisites":{}');
    expect(state.logLocation).toBe(
      path.join(workspace.home, 'logs', context.runId, '01-prerequisites.deploy.log'),
    );
    const log = await readFile(state.logLocation ?? '', 'utf8');
    expect(log).toContain('##perfplane[output] action=deploy');
  });

  it('records unmet requirements on exit 3', async () => {
    const context = await setUp(
      await readFile(
        path.join(import.meta.dirname, '../../../tests/fixtures/buildspecs/requirements-unmet.yml'),
        'utf8',
      ),
    );
    await expect(runner.run(request(context))).rejects.toThrow(
      /requirements not met: helm >= 3\.14/,
    );
    const state = await store.getPhaseState(`runner-${sequence}`, '01-prerequisites');
    expect(state.status).toBe('requirements-not-met');
    expect(state.unmet).toEqual([
      'helm >= 3.14 not found on PATH',
      'service quota for EKS clusters is 0',
    ]);
  });

  it('continues after CONTINUE but fails', async () => {
    const context = await setUp(
      [
        'version: 0.2',
        'phases:',
        '  install:',
        '    on-failure: CONTINUE',
        '    commands: ["exit 4"]',
        '  build:',
        '    commands: [\'echo "##perfplane[output] built=yes"\']',
      ].join('\n'),
    );
    await expect(runner.run(request(context))).rejects.toThrow(/failed with exit 4/);
    const state = await store.getPhaseState(`runner-${sequence}`, '01-prerequisites');
    expect(state.outputs.built).toBe('yes');
  });

  it('runs post_build after a build failure', async () => {
    const context = await setUp(
      [
        'version: 0.2',
        'phases:',
        '  pre_build:',
        '    commands: [\'echo "##perfplane[output] pre=yes"\']',
        '  build:',
        '    commands: ["exit 2", \'echo "##perfplane[output] after=yes"\']',
        '    finally: [\'echo "##perfplane[output] finally=yes"\']',
        '  post_build:',
        '    commands: [\'echo "##perfplane[output] post=yes"\']',
      ].join('\n'),
    );
    await expect(runner.run(request(context))).rejects.toThrow(/failed with exit 2/);
    const state = await store.getPhaseState(`runner-${sequence}`, '01-prerequisites');
    expect(state.outputs).toEqual({ pre: 'yes', finally: 'yes', post: 'yes' });
  });

  it('leaves the phase alone when validating', async () => {
    const context = await setUp(
      'version: 0.2\nphases:\n  build:\n    commands: [\'echo "##perfplane[progress] 100 All checks passed"\']\n',
    );
    const result = await runner.run(request(context, 'validate'));
    expect(result.Build.LastStep).toBe('All checks passed');
    const state = await store.getPhaseState(`runner-${sequence}`, '01-prerequisites');
    expect(state.status).toBe('not-started');
    expect(state.step).toBeUndefined();
  });

  it('stop kills the process group', async () => {
    const context = await setUp(
      [
        'version: 0.2',
        'phases:',
        '  build:',
        '    commands:',
        '      - |',
        '        sleep 60 &',
        '        echo $$ > "$PERFPLANE_HOME/group"',
        '        wait',
      ].join('\n'),
    );
    const running = runner.run(request(context));
    running.catch(() => {});
    const groupFile = path.join(workspace.home, 'group');
    let pgid = 0;
    for (let attempt = 0; attempt < 200 && !pgid; attempt += 1) {
      pgid = Number(await readFile(groupFile, 'utf8').catch(() => '0'));
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(groupAlive(pgid)).toBe(true);
    const [buildId] = runner.activeBuilds();
    await runner.stop(buildId ?? '');
    await expect(running).rejects.toThrow(/was stopped/);
    expect(groupAlive(pgid)).toBe(false);
  });
});

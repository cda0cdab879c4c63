import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRunFinished, PHASE_IDS, type PhaseId } from '@perfplane/core';
import { type RunningService, startService } from '@perfplane/embedded';
import type { Run, Store } from '@perfplane/store';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const FIXTURES = path.join(REPO_ROOT, 'tests/fixtures/buildspecs');
export const STATEMACHINES = path.join(REPO_ROOT, 'statemachines');

export type Fixture =
  | 'trivial'
  | 'failing'
  | 'long-running'
  | 'progress-reporting'
  | 'requirements-unmet'
  | 'invalid';

/** A throwaway repository root: environments, buildspecs and the embedded state folder. */
export interface Workspace {
  root: string;
  home: string;
  buildspecDir: string;
  /** Replaces one phase's buildspec with a fixture. */
  use(phase: PhaseId, fixture: Fixture): Promise<void>;
  trace(): Promise<string[]>;
  remove(): Promise<void>;
}

/**
 * Creates a workspace whose rehearsal environment runs every phase itself
 * (nothing provided), with the trivial buildspec for each phase unless
 * `fixtures` names another.
 */
export async function makeWorkspace(
  fixtures: Partial<Record<PhaseId, Fixture>> = {},
  options: { provided?: Partial<Record<PhaseId, string>> } = {},
): Promise<Workspace> {
  const root = await mkdtemp(path.join(tmpdir(), 'perfplane-ws-'));
  const home = path.join(root, '.perfplane');
  const buildspecDir = path.join(root, 'buildspecs');
  await mkdir(path.join(root, 'environments'), { recursive: true });
  await mkdir(buildspecDir, { recursive: true });
  await mkdir(home, { recursive: true });

  const rehearsal = await readFile(path.join(REPO_ROOT, 'environments/rehearsal.yaml'), 'utf8');
  const provided = Object.entries(options.provided ?? {})
    .map(([phase, reason]) => `  ${phase}: ${reason}`)
    .join('\n');
  const withoutProvided = rehearsal.replace(
    /^provided:\n(?: {2}.*\n)+/m,
    provided ? `provided:\n${provided}\n` : '',
  );
  await writeFile(path.join(root, 'environments/rehearsal.yaml'), withoutProvided);

  const use = async (phase: PhaseId, fixture: Fixture) => {
    await copyFile(path.join(FIXTURES, `${fixture}.yml`), path.join(buildspecDir, `${phase}.yml`));
  };
  for (const phase of PHASE_IDS) {
    await use(phase, fixtures[phase] ?? 'trivial');
  }
  return {
    root,
    home,
    buildspecDir,
    use,
    trace: async () => {
      const text = await readFile(path.join(home, 'trace.txt'), 'utf8').catch(() => '');
      return text.split('\n').filter((line) => line !== '');
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** Waits until the run has finished; fails after `timeoutMs`. */
export async function waitForRun(
  store: Pick<Store, 'getRun'>,
  runId: string,
  timeoutMs = 30_000,
): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const run = await store.getRun(runId);
    if (run && isRunFinished(run.status)) {
      return run;
    }
    await sleep(50);
  }
  throw new Error(`run ${runId} did not finish within ${timeoutMs} ms`);
}

/** Waits until `check` returns a value other than undefined; fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  description: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${description}`);
}

/** Starts the embedded service on a workspace with short grace and poll times for tests. */
export function startWorkspaceService(ws: Workspace): Promise<RunningService> {
  return startService({
    root: ws.root,
    home: ws.home,
    buildspecDir: ws.buildspecDir,
    statemachineDir: STATEMACHINES,
    killGraceMs: 500,
    approvalPollMs: 50,
  });
}

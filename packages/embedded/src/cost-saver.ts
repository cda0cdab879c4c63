import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { CostSaver, CostSavingResult, Store } from '@perfplane/control';
import { PHASES } from '@perfplane/core';

/** Maximum run time of one phase's cost-saving script, in milliseconds. */
const SCRIPT_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * Runs `phases/<phase>/scripts/cost-saving.sh on|off --env <name>` for each
 * completed phase that has one; the scripts do the scaling. Whether to keep
 * data goes in PERFPLANE_RETAIN_DATA (`true` or `false`).
 */
export function createCostSaver(root: string, store: Store): CostSaver {
  return {
    async apply(environment, action, retainData) {
      const states = await store.getPhaseStates(environment);
      const results: CostSavingResult[] = [];
      for (const phase of PHASES) {
        const state = states.find((entry) => entry.phaseId === phase.id);
        if (state?.status !== 'completed') {
          continue;
        }
        const script = path.join(root, 'phases', phase.id, 'scripts', 'cost-saving.sh');
        const present = await access(script).then(
          () => true,
          () => false,
        );
        if (!present) {
          results.push({ phase: phase.id, outcome: 'no-script', message: 'nothing to scale' });
          continue;
        }
        const args = [script, action, '--env', environment];
        const code = await runScript(root, args, {
          PERFPLANE_ENV: environment,
          PERFPLANE_COST_SAVING: action,
          PERFPLANE_RETAIN_DATA: String(retainData),
        });
        results.push({
          phase: phase.id,
          outcome: code === 0 ? 'done' : 'failed',
          message: code === 0 ? `cost saving ${action}` : `script exited with ${code}`,
        });
      }
      return results;
    },
  };
}

function runScript(
  root: string,
  args: string[],
  variables: Record<string, string>,
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('bash', args, {
      cwd: root,
      env: { ...process.env, ...variables },
      stdio: 'ignore',
      timeout: SCRIPT_TIMEOUT_MS,
    });
    child.once('error', () => resolve(127));
    child.once('close', (code) => resolve(code ?? 1));
  });
}

import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Environment } from '@perfplane/core';

/** Maximum run time of phases/lib/rehearsal-stop.sh, in milliseconds. */
const STOP_TIMEOUT_MS = 60_000;

/**
 * Runs `phases/lib/rehearsal-stop.sh` for a rehearsal environment, which ends
 * the k6 runs and the simulator recorded under `home`, and returns the
 * processes it reports stopping. Other platforms, and a root without the
 * script, return an empty list. The script only signals live processes, so
 * a second call stops nothing.
 */
export async function stopRehearsal(
  root: string,
  home: string,
  env: Environment,
): Promise<string[]> {
  if (env.platform !== 'rehearsal') {
    return [];
  }
  const script = path.join(root, 'phases', 'lib', 'rehearsal-stop.sh');
  const present = await access(script).then(
    () => true,
    () => false,
  );
  if (!present) {
    return [];
  }
  const output = await new Promise<string>((resolve) => {
    execFile(
      'bash',
      [script],
      {
        cwd: root,
        env: { ...process.env, PERFPLANE_HOME: home, PERFPLANE_ENV: env.name },
        timeout: STOP_TIMEOUT_MS,
      },
      // A failing script still prints what it stopped, so its exit status is not checked.
      (_error, stdout) => resolve(String(stdout)),
    );
  });
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('stopping '));
}

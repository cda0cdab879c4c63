import { setTimeout as sleep } from 'node:timers/promises';

/** Returns whether any process of the group is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    // EPERM means the group exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') {
      throw error;
    }
  }
}

/**
 * Ends a process group: SIGTERM, then SIGKILL when anything of it is still
 * alive after `graceMs`. Resolves once the group is gone or SIGKILL was sent.
 */
export async function killGroup(pgid: number, graceMs: number): Promise<void> {
  if (pgid <= 1 || !groupAlive(pgid)) {
    return;
  }
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) {
      return;
    }
    await sleep(50);
  }
  signalGroup(pgid, 'SIGKILL');
  for (let attempt = 0; attempt < 40 && groupAlive(pgid); attempt += 1) {
    await sleep(25);
  }
}

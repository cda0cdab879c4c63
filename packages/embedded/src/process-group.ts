import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Returns whether any process of the group is alive. On Linux it reads
 * /proc and ignores zombies, which signal 0 still reaches until their parent
 * (or init) reaps them; elsewhere it falls back to signal 0.
 */
export function groupAlive(pgid: number): boolean {
  if (existsSync('/proc/self/stat')) {
    return livingMembers(pgid) > 0;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    // EPERM means the group exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function livingMembers(pgid: number): number {
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // The process ended while the folder was read.
    }
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    const group = Number(fields[2]);
    if (group === pgid && state !== 'Z' && state !== 'X') {
      count += 1;
    }
  }
  return count;
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

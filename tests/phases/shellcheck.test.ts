import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './run-script.js';

function shellScripts(): string[] {
  const found: string[] = [];
  for (const top of ['phases', 'buildspecs', 'scripts']) {
    const entries = readdirSync(path.join(repoRoot, top), { recursive: true, encoding: 'utf8' });
    for (const entry of entries) {
      if (entry.endsWith('.sh') && !entry.includes('node_modules')) {
        found.push(path.join(top, entry));
      }
    }
  }
  return found.sort();
}

describe('shell scripts', () => {
  it('pass shellcheck', { timeout: 240_000 }, () => {
    const scripts = shellScripts();
    expect(scripts.length).toBeGreaterThan(40);
    const result = spawnSync('shellcheck', ['--severity=style', ...scripts], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(
      result.error,
      'shellcheck must be installed: bash scripts/setup.sh --ci',
    ).toBeUndefined();
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});

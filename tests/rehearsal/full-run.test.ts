import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'packages/cli/bin/perfplane.js');

/** A short ladder so the whole rehearsal fits in a test: about 40 s of load. */
const SHORT_LADDER = JSON.stringify([
  { name: 'warm-up', rate: 10, duration: '10s' },
  { name: 'sustained', rate: 50, duration: '30s' },
]);

function findK6(): string | undefined {
  const gopath = spawnSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).stdout?.trim();
  const candidates = [
    process.env.PERFPLANE_K6,
    gopath ? path.join(gopath, 'bin/k6') : undefined,
    path.join(process.env.HOME ?? '/root', 'go/bin/k6'),
  ];
  const onPath = spawnSync('bash', ['-c', 'command -v k6'], { encoding: 'utf8' }).stdout.trim();
  return [onPath, ...candidates].find((candidate) => candidate && existsSync(candidate));
}

const k6 = findK6();
const missingK6 = !k6 && !process.env.CI;

describe.skipIf(missingK6)('rehearsal end to end', () => {
  let home: string;
  let environment: NodeJS.ProcessEnv;
  let simulatorPort: number;

  const perfplane = (...args: string[]) =>
    spawnSync(process.execPath, [cli, ...args, '--env', 'rehearsal'], {
      cwd: root,
      env: environment,
      encoding: 'utf8',
      timeout: 540_000,
    });

  beforeAll(async () => {
    if (!k6) {
      throw new Error('k6 is missing: run scripts/install-k6.sh (CI must have it)');
    }
    home = mkdtempSync(path.join(tmpdir(), 'perfplane-rehearsal-'));
    simulatorPort = await freePort();
    environment = {
      ...process.env,
      PERFPLANE_HOME: home,
      PERFPLANE_SIMULATOR_PORT: String(simulatorPort),
      PERFPLANE_LADDER: SHORT_LADDER,
      PATH: `${path.dirname(k6)}:${process.env.PATH}`,
    };
  });

  afterAll(() => {
    if (!home) return;
    // Stops the simulator (02 rollback) and then the embedded service.
    perfplane('rollback-all', '--confirm');
    spawnSync(process.execPath, [cli, 'runtime', 'stop'], { cwd: root, env: environment });
    rmSync(home, { recursive: true, force: true });
  });

  it('completes all eight phases', { timeout: 600_000 }, () => {
    const run = perfplane('run-all', '--auto-approve');

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const phase of ['01', '02', '04', '05', '06', '07', '08']) {
      expect(run.stdout).toMatch(new RegExp(`✅ ${phase}-`));
    }
    expect(run.stdout).toMatch(/⏭️ +03-kubernetes +\[Skipped: provided by the rehearsal profile\]/);
  });

  it('writes a passing report', () => {
    const report = perfplane('report');

    expect(report.status).toBe(0);
    const resultFile = report.stdout.match(/(\S+result\.json)/)?.[1];
    expect(resultFile, `no result.json named in: ${report.stdout}`).toBeDefined();
    const result = JSON.parse(readFileSync(resultFile as string, 'utf8'));
    expect(result.validity.valid).toBe(true);
    expect(result.verdict.pass).toBe(true);
    expect(existsSync(path.join(path.dirname(resultFile as string), 'report.html'))).toBe(true);
  });

  it('leaves positions summing to zero', () => {
    const ledger = JSON.parse(
      execFileSync('curl', ['-sf', `http://127.0.0.1:${simulatorPort}/sim/ledger`], {
        encoding: 'utf8',
      }),
    );

    expect(ledger.positionSum).toBe(0);
    expect(ledger.settlementSum).toBe(0);
  });
});

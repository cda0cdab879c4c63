import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ERROR_CODES } from '@perfplane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, cli } from './helpers/cli.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';

let workspace: Workspace;
let initial: unknown;

const snapshot = () => api(workspace, 'GET', '/environments/rehearsal/progress');

beforeAll(async () => {
  workspace = await makeWorkspace({ '06-first-test': 'invalid' });
  await writeFile(
    path.join(workspace.root, 'environments/broken.yaml'),
    'name: broken\nplatform: [rehearsal\n',
  );
  const started = await cli(workspace, ['runtime', 'start']);
  expect(started.code).toBe(0);
  initial = await snapshot();
});

afterAll(async () => {
  await cli(workspace, ['runtime', 'stop']);
  await workspace.remove();
});

const cases: { name: string; args: string[]; code: keyof typeof ERROR_CODES; says: RegExp }[] = [
  {
    name: 'unknown phase',
    args: ['deploy', '99'],
    code: 'UnknownPhase',
    says: /unknown phase "99"/,
  },
  {
    name: 'unknown environment',
    args: ['--env', 'nope', 'run-all'],
    code: 'UnknownEnvironment',
    says: /unknown environment "nope".*known environments: broken, rehearsal/,
  },
  {
    name: 'malformed environment YAML',
    args: ['--env', 'broken', 'run-all'],
    code: 'InvalidEnvironment',
    says: /broken\.yaml: malformed YAML/,
  },
  {
    name: 'rollback-all without confirm',
    args: ['rollback-all'],
    code: 'ConfirmationRequired',
    says: /rollback-all --confirm/,
  },
  {
    name: 'skip with unmet dependencies',
    args: ['skip', '04', '--reason', 'cluster exists'],
    code: 'DependencyNotMet',
    says: /cannot skip 04-mojaloop: 03-kubernetes not completed or skipped/,
  },
  {
    name: 'skip without reason',
    args: ['skip', '01'],
    code: 'InvalidArgument',
    says: /needs a reason/,
  },
  {
    name: 'resume with nothing',
    args: ['resume'],
    code: 'NothingToResume',
    says: /nothing to resume/,
  },
  {
    name: 'bad buildspec',
    args: ['run-all'],
    code: 'InvalidBuildspec',
    says: /06-first-test\.yml: field "phases\.build": Unrecognized key: "comands"/,
  },
  {
    name: 'deploy without its dependencies',
    args: ['deploy', 'mojaloop'],
    code: 'DependencyNotMet',
    says: /cannot deploy 04-mojaloop: 03-kubernetes/,
  },
];

describe('cli errors', () => {
  for (const entry of cases) {
    it(entry.name, async () => {
      const result = await cli(workspace, entry.args);
      expect(result.code).toBe(ERROR_CODES[entry.code]);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: /);
      expect(lines[0]).toMatch(entry.says);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(await snapshot()).toEqual(initial);
    });
  }

  it('distinct exit codes', () => {
    const codes = cases.map((entry) => ERROR_CODES[entry.code]);
    expect(new Set(codes).size).toBe(new Set(cases.map((entry) => entry.code)).size);
  });

  it('wrong token', async () => {
    const runtime = JSON.parse(await readFile(path.join(workspace.home, 'runtime.json'), 'utf8'));
    for (const authorization of [undefined, 'Bearer wrong', 'Basic abc']) {
      const response = await fetch(
        `http://127.0.0.1:${runtime.port}/environments/rehearsal/progress`,
        {
          headers: authorization ? { authorization } : {},
        },
      );
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { code: string } };
      expect(body.error.code).toBe('Unauthorized');
    }
  });

  it('token file mode', async () => {
    const info = await stat(path.join(workspace.home, 'token'));
    expect(info.mode & 0o777).toBe(0o600);
  });
});

describe('thin verbs', () => {
  it('report before analysis', async () => {
    const result = await cli(workspace, ['report']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no report yet for "rehearsal"');
  });

  it('cost-saving with nothing deployed', async () => {
    const result = await cli(workspace, ['cost-saving', '--retain-data']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no deployed phase to scale');
  });

  it('support-bundle writes a file', async () => {
    const result = await cli(workspace, ['support-bundle']);
    expect(result.code).toBe(0);
    const file = /support bundle: (.+\.tar\.gz)/.exec(result.stdout)?.[1] ?? '';
    expect(file.startsWith(path.join(workspace.home, 'bundles'))).toBe(true);
    expect((await stat(file)).size).toBeGreaterThan(0);
  });
});

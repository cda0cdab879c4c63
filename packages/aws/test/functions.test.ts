import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readConfig } from '../src/config.js';
import { ROOT } from './fixtures.js';

const ENVIRONMENT = {
  PERFPLANE_PREFIX: 'perfplane-test',
  PERFPLANE_TABLE: 'perfplane-test-table',
  PERFPLANE_BUCKET: 'perfplane-test-bucket',
  PERFPLANE_ACCOUNT_ID: '123456789012',
  PERFPLANE_ENVIRONMENTS: 'aws-1000tps',
  AWS_REGION: 'us-east-1',
  LAMBDA_TASK_ROOT: ROOT,
  SLACK_SIGNING_SECRET: 'secret',
};

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('readConfig', () => {
  it('reads the Lambda settings', () => {
    expect(readConfig(ENVIRONMENT)).toMatchObject({
      prefix: 'perfplane-test',
      environments: ['aws-1000tps'],
      accountId: '123456789012',
    });
  });

  it('names a missing variable', () => {
    const { PERFPLANE_TABLE: _table, ...rest } = ENVIRONMENT;
    expect(() => readConfig(rest)).toThrow(/PERFPLANE_TABLE/);
  });

  it('rejects a malformed list', () => {
    expect(() => readConfig({ ...ENVIRONMENT, PERFPLANE_ENVIRONMENTS: 'a,,b' })).toThrow(
      /PERFPLANE_ENVIRONMENTS/,
    );
  });
});

describe('function entry files', () => {
  for (const name of [
    'api',
    'steps',
    'slack',
    'validate',
    'cost-saving',
    'emergency-stop',
    'support-bundle',
    'lock-reaper',
  ]) {
    it(`${name} exports a handler`, async () => {
      for (const [key, value] of Object.entries(ENVIRONMENT)) {
        vi.stubEnv(key, value);
      }
      const module = (await import(path.join(ROOT, 'functions', `${name}.ts`))) as {
        handler: unknown;
      };
      expect(typeof module.handler).toBe('function');
    });
  }
});

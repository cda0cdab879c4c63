import { PHASE_IDS, PHASES } from '@perfplane/core';
import { tableDefinition } from '@perfplane/store';
import { describe, expect, it } from 'vitest';
import {
  BUCKET_PREFIXES,
  bucketSettings,
  codeBuildProjects,
  costSavingSchedules,
  DATABASE_RESTOP_EXPRESSION,
  readDefinition,
  STATE_MACHINES,
  substituteDefinition,
  TTL_ATTRIBUTE,
  tableSettings,
} from '../src/index.js';
import { loadEnvironmentFile, ROOT } from './fixtures.js';

describe('tableSettings', () => {
  it('uses the contract keys', () => {
    const settings = tableSettings();
    expect(settings.primaryIndex).toEqual({ hashKey: 'pk', rangeKey: 'sk' });
    expect(settings.globalIndexes.gsi1).toMatchObject({ hashKey: 'gsi1pk', rangeKey: 'gsi1sk' });
  });

  it('turns on PITR and TTL', () => {
    const settings = tableSettings();
    expect(settings.pointInTimeRecovery).toBe(true);
    expect(settings.ttl).toBe('expiresAtEpoch');
    expect(TTL_ATTRIBUTE).toBe('expiresAtEpoch');
  });

  it('matches the store definition', () => {
    const definition = tableDefinition('t');
    expect(definition.AttributeDefinitions?.map((a) => a.AttributeName)).toEqual(
      Object.keys(tableSettings().fields),
    );
    expect(Object.keys(tableSettings().globalIndexes)).toEqual(
      definition.GlobalSecondaryIndexes?.map((index) => index.IndexName),
    );
  });
});

describe('bucketSettings', () => {
  it('blocks public access', () => {
    const block = bucketSettings().publicAccessBlock;
    expect(Object.values(block).every((value) => value === true)).toBe(true);
  });

  it('encrypts and versions', () => {
    const settings = bucketSettings();
    expect(settings.encryption.sseAlgorithm).toBe('AES256');
    expect(settings.versioning).toBe(true);
  });

  it('expires bundles', () => {
    const rule = bucketSettings({ bundleDays: 7 }).lifecycle.find(
      (r) => r.prefix === BUCKET_PREFIXES.bundles,
    );
    expect(rule?.expirationDays).toBe(7);
  });

  it('ages raw results', () => {
    const rule = bucketSettings().lifecycle.find((r) => r.prefix === BUCKET_PREFIXES.rawResults);
    expect(rule?.transitions).toEqual([{ days: 30, storageClass: 'STANDARD_IA' }]);
    expect(rule?.expirationDays).toBe(180);
  });

  it('rejects expiry before transition', () => {
    expect(() =>
      bucketSettings({ rawResultsInfrequentAccessDays: 60, rawResultsExpireDays: 30 }),
    ).toThrow(/must be greater/);
  });
});

describe('codeBuildProjects', () => {
  it('creates one project per phase', () => {
    const projects = codeBuildProjects('pp-dev');
    expect(projects.map((p) => p.phase)).toEqual(PHASE_IDS);
    expect(projects[0]?.name).toBe('pp-dev-01-prerequisites');
    expect(projects[0]?.buildspec).toBe('buildspecs/01-prerequisites.yml');
  });

  it('takes timeouts from the catalog', () => {
    const projects = codeBuildProjects('pp-dev');
    for (const [index, phase] of PHASES.entries()) {
      expect(projects[index]?.timeoutInMinutes).toBe(phase.expected.maxMinutes);
    }
  });

  it('applies environment overrides', () => {
    const environment = loadEnvironmentFile('aws-1000tps');
    const projects = codeBuildProjects('pp-dev', [environment]);
    const byPhase = Object.fromEntries(projects.map((p) => [p.phase, p]));
    expect(byPhase['02-infrastructure']?.timeoutInMinutes).toBe(240);
    expect(byPhase['07-performance-tests']?.timeoutInMinutes).toBe(480);
    expect(byPhase['03-kubernetes']?.timeoutInMinutes).toBe(120);
    expect(byPhase['03-kubernetes']?.image).toBe('aws/codebuild/amazonlinux-x86_64-standard:5.0');
  });

  it('clamps to CodeBuild bounds', () => {
    const environment = loadEnvironmentFile('aws-1000tps');
    environment.buildTimeoutMinutes = { '01-prerequisites': 1 };
    const first = codeBuildProjects('pp', [environment])[0];
    expect(first?.timeoutInMinutes).toBe(5);
  });

  it('gives each phase its log group', () => {
    const logGroups = codeBuildProjects('pp').map((p) => p.logGroup);
    expect(new Set(logGroups).size).toBe(PHASE_IDS.length);
    expect(logGroups[0]).toBe('/perfplane/pp/codebuild/01-prerequisites');
  });
});

describe('substituteDefinition', () => {
  const values = {
    ProjectPrefix: 'pp-dev',
    StepsFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:pp-dev-steps',
    ApprovalFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:pp-dev-steps',
  };

  it('replaces placeholders', () => {
    const text = substituteDefinition(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ASL placeholders, not JavaScript
      '{"a":"${ProjectPrefix}-01-prerequisites","b":"${StepsFunctionArn}"}',
      values,
    );
    expect(JSON.parse(text)).toEqual({
      a: 'pp-dev-01-prerequisites',
      b: values.StepsFunctionArn,
    });
  });

  it('rejects unknown placeholders', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ASL placeholders, not JavaScript
    expect(() => substituteDefinition('{"a":"${Other}"}', values, 'run.asl.json')).toThrow(
      /run.asl.json: no value for placeholder \$\{Other\}/,
    );
  });

  it('rejects empty values', () => {
    expect(() => substituteDefinition('{}', { ...values, ProjectPrefix: '' })).toThrow(/empty/);
  });

  it('rejects broken JSON', () => {
    expect(() => substituteDefinition('{"a":', values)).toThrow(/not valid JSON/);
  });

  it('fills the committed definitions', () => {
    for (const machine of STATE_MACHINES) {
      const text = substituteDefinition(readDefinition(ROOT, machine), values, machine);
      expect(text).not.toMatch(/\$\{[A-Za-z]+\}/);
      expect(text).toContain('pp-dev-01-prerequisites');
    }
  });

  it('leaves JSONPath intrinsics alone', () => {
    const source = '{"Parameters":{"x.$":"States.Format(\'{}\', $.runId)"}}';
    expect(substituteDefinition(source, values)).toBe(source);
  });
});

describe('costSavingSchedules', () => {
  it('creates stop, start and re-stop', () => {
    const schedules = costSavingSchedules('pp-dev', loadEnvironmentFile('aws-1000tps'));
    expect(schedules.map((s) => s.input.action)).toEqual(['on', 'off', 'restop-database']);
    expect(schedules[0]).toMatchObject({
      expression: 'cron(0 20 ? * MON-FRI *)',
      timezone: 'Europe/London',
      input: { environment: 'aws-1000tps', action: 'on', source: 'schedule' },
    });
    expect(schedules[2]?.expression).toBe(DATABASE_RESTOP_EXPRESSION);
  });

  it('re-stops within the 7-day restart', () => {
    const days = Number(/^rate\((\d+) days\)$/.exec(DATABASE_RESTOP_EXPRESSION)?.[1]);
    expect(days).toBeLessThan(7);
  });

  it('skips rehearsal environments', () => {
    expect(costSavingSchedules('pp-dev', loadEnvironmentFile('rehearsal'))).toEqual([]);
  });

  it('rejects a bad time zone', () => {
    const environment = loadEnvironmentFile('aws-1000tps');
    environment.costSaving = { ...environment.costSaving, timezone: 'Mars/Base' };
    expect(() => costSavingSchedules('pp', environment)).toThrow(/Mars\/Base/);
  });

  it('rejects a non-cron stop schedule', () => {
    const environment = loadEnvironmentFile('aws-1000tps');
    environment.costSaving = { timezone: 'UTC', stopSchedule: '0 20 * * 1-5' };
    expect(() => costSavingSchedules('pp', environment)).toThrow(/stopSchedule/);
  });
});

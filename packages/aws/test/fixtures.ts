import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Environment, parseEnvironment } from '@perfplane/core';
import type { DeploymentScope } from '../src/index.js';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

export function loadEnvironmentFile(name: string): Environment {
  const file = path.join(ROOT, 'environments', `${name}.yaml`);
  return parseEnvironment(readFileSync(file, 'utf8'), `environments/${name}.yaml`);
}

export function makeScope(overrides: Partial<DeploymentScope> = {}): DeploymentScope {
  return {
    region: 'eu-west-1',
    accountId: '123456789012',
    prefix: 'perfplane-test',
    tableName: 'perfplane-test-table',
    bucketName: 'perfplane-test-bucket',
    ...overrides,
  };
}

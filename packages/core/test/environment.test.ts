import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironment, parseEnvironment } from '../src/environment.js';

const root = path.resolve(import.meta.dirname, '../../..');

describe('environment', () => {
  it('loads the shipped environments', async () => {
    const rehearsal = await loadEnvironment(root, 'rehearsal');
    expect(rehearsal.platform).toBe('rehearsal');
    expect(rehearsal.dfsps).toHaveLength(8);
    const aws = await loadEnvironment(root, 'aws-1000tps');
    expect(aws.target.tps).toBe(1000);
  });

  it('names the file and field of a bad value', () => {
    const text = 'name: x\nplatform: moon\n';
    expect(() => parseEnvironment(text, 'environments/x.yaml')).toThrow(
      /environments\/x\.yaml: .*field "platform"/,
    );
  });

  it('reports malformed YAML', () => {
    expect(() => parseEnvironment('name: [x', 'environments/x.yaml')).toThrow(/malformed YAML/);
  });

  it('rejects an unknown environment with the known ones', async () => {
    await expect(loadEnvironment(root, 'nope')).rejects.toThrow(/known environments: .*rehearsal/);
  });
});

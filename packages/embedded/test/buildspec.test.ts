import { describe, expect, it } from 'vitest';
import { parseBuildspec } from '../src/buildspec.js';

function errorOf(text: string): { code: string; message: string } {
  try {
    parseBuildspec(text, 'buildspecs/04-mojaloop.yml');
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected parseBuildspec to throw');
}

describe('parseBuildspec', () => {
  it('reads phases and variables', () => {
    const spec = parseBuildspec(
      [
        'version: 0.2',
        'env:',
        '  variables:',
        '    TF_IN_AUTOMATION: "1"',
        '    RETRIES: 3',
        'phases:',
        '  install:',
        '    on-failure: CONTINUE',
        '    commands: [helm version]',
        '  build:',
        '    commands:',
        '      - bash phases/04-mojaloop/$PERFPLANE_ACTION.sh',
        '    finally: [echo done]',
        'artifacts:',
        '  files: ["**/*"]',
      ].join('\n'),
      'buildspecs/04-mojaloop.yml',
    );
    expect(spec.env.variables).toEqual({ TF_IN_AUTOMATION: '1', RETRIES: 3 });
    expect(spec.phases.install?.['on-failure']).toBe('CONTINUE');
    expect(spec.phases.build?.['on-failure']).toBe('ABORT');
    expect(spec.phases.build?.finally).toEqual(['echo done']);
    expect(spec.artifacts?.files).toEqual(['**/*']);
  });

  it('malformed YAML', () => {
    const error = errorOf('version: 0.2\nphases: [build\n');
    expect(error.code).toBe('InvalidBuildspec');
    expect(error.message).toMatch(/^buildspecs\/04-mojaloop\.yml: malformed YAML/);
  });

  it('wrong version', () => {
    const error = errorOf('version: 0.1\nphases:\n  build:\n    commands: [true]\n');
    expect(error.message).toContain('field "version"');
  });

  it('misspelled field', () => {
    const error = errorOf('version: 0.2\nphases:\n  build:\n    comands: [true]\n');
    expect(error.message).toContain('field "phases.build"');
    expect(error.message).toContain('comands');
  });

  it('bad on-failure', () => {
    const error = errorOf(
      'version: 0.2\nphases:\n  build:\n    on-failure: RETRY\n    commands: [true]\n',
    );
    expect(error.message).toContain('field "phases.build.on-failure"');
  });

  it('no phases', () => {
    const error = errorOf('version: 0.2\nphases: {}\n');
    expect(error.message).toContain('at least one of install');
  });
});

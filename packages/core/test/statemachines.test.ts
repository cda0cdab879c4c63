import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { findPhase, type Phase } from '../src/catalog.js';
import {
  BUILD_TIMEOUT_SECONDS,
  buildDefinitions,
  definitionFile,
  formatDefinition,
  type LocalResourceHandler,
  localHandlersByResource,
  type MachineName,
  RESOURCES,
  rollbackMachine,
  runMachine,
  type State,
  substitutePlaceholders,
  type TaskState,
  validateMachine,
} from '../src/statemachines/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const definitions = buildDefinitions();
const machineNames = Object.keys(definitions) as MachineName[];

function mojaloop(): Phase {
  const phase = findPhase('04-mojaloop');
  if (!phase) {
    throw new Error('catalog has no 04-mojaloop');
  }
  return phase;
}

function tasksOf(name: MachineName): [string, TaskState][] {
  const states = Object.entries(definitions[name].States) as [string, State][];
  return states.filter((entry): entry is [string, TaskState] => entry[1].Type === 'Task');
}

/** Every object key anywhere in `value`, to look for fields the definitions must not use. */
function keysIn(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.flatMap(keysIn);
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...keysIn(inner)]);
  }
  return [];
}

describe('generated definitions', () => {
  it.each(machineNames)('%s matches the committed file', async (name) => {
    const committed = await readFile(path.join(root, definitionFile(name)), 'utf8').catch(() => '');

    expect(committed, `${definitionFile(name)} is stale: run \`npm run generate\``).toBe(
      formatDefinition(definitions[name]),
    );
  });

  it.each(machineNames)('%s passes asl-validator', (name) => {
    // The validator fills in schema defaults such as QueryLanguage, so it gets a copy.
    const result = aslValidator(structuredClone(definitions[name]));

    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it.each(machineNames)('%s uses JSONPath only', (name) => {
    const keys = keysIn(definitions[name]);

    expect(keys).not.toContain('QueryLanguage');
    expect(keys).not.toContain('Assign');
    expect(keys).not.toContain('Arguments');
    expect(keys).not.toContain('Output');
  });
});

describe('run machine', () => {
  const states = definitions.run.States;

  it('names the states of a phase', () => {
    for (const name of [
      'Acquire environment lock',
      'Check Mojaloop',
      'Approve Mojaloop deploy',
      'Begin Mojaloop',
      'Deploy Mojaloop',
      'Validate Mojaloop',
      'Record Mojaloop',
      'Record failure',
      'Release lock after failure',
      'Release environment lock',
    ]) {
      expect(states, name).toHaveProperty([name]);
    }
  });

  it('ends failures with the outcome codes', () => {
    expect(states['Phase failed']).toMatchObject({ Type: 'Fail', Error: 'PhaseFailed' });
    expect(states['Requirements not met']).toMatchObject({
      Type: 'Fail',
      Error: 'RequirementsNotMet',
    });
    expect(states['Run stopped']).toMatchObject({ Type: 'Fail', Error: 'RunStopped' });
  });

  it('builds in the phase project', () => {
    const deploy = states['Deploy Mojaloop'] as TaskState;

    expect(deploy.Resource).toBe(RESOURCES.build);
    expect(deploy.Parameters?.ProjectName).toBe(`\${ProjectPrefix}-${mojaloop().id}`);
    expect(deploy.ResultSelector).toEqual({
      'id.$': '$.Build.Id',
      'status.$': '$.Build.BuildStatus',
    });
    expect(deploy.TimeoutSeconds).toBe(BUILD_TIMEOUT_SECONDS);
  });

  it('waits for a token with timeout and heartbeat', () => {
    const approve = states['Approve Mojaloop deploy'] as TaskState;

    expect(approve.Resource).toBe(RESOURCES.invokeWithCallback);
    expect(approve.Parameters?.Payload).toMatchObject({ 'taskToken.$': '$$.Task.Token' });
    expect(approve.HeartbeatSeconds).toBeGreaterThan(0);
    expect(approve.TimeoutSeconds).toBeGreaterThan(approve.HeartbeatSeconds ?? 0);
  });
});

describe('task states', () => {
  it.each(machineNames)('%s catches every phase task', (name) => {
    const uncaught = tasksOf(name)
      .filter(
        ([, state]) => !state.Catch?.some((catcher) => catcher.ErrorEquals[0] === 'States.ALL'),
      )
      .map(([stateName]) => stateName);

    expect(uncaught).toEqual(['Release environment lock']);
  });

  it.each(machineNames)('%s retries Lambda errors only, never builds', (name) => {
    for (const [stateName, state] of tasksOf(name)) {
      const retried = state.Retry?.flatMap((retrier) => retrier.ErrorEquals) ?? [];
      if (state.Resource === RESOURCES.build) {
        expect(retried, stateName).toEqual([]);
      } else {
        expect(retried, stateName).toContain('Lambda.TooManyRequestsException');
        expect(retried, stateName).not.toContain('States.ALL');
      }
    }
  });

  it.each(machineNames)('%s sets a timeout on every task', (name) => {
    for (const [stateName, state] of tasksOf(name)) {
      expect(state.TimeoutSeconds, stateName).toBeGreaterThan(60);
    }
  });
});

describe('localHandlersByResource', () => {
  const handler: LocalResourceHandler = (_input, stateName) => ({ stateName });
  const byResource = {
    [RESOURCES.invoke]: handler,
    [RESOURCES.build]: handler,
    [RESOURCES.invokeWithCallback]: handler,
  };

  it('maps every task state to its resource handler', async () => {
    const handlers = localHandlersByResource(definitions.run, byResource);

    expect(Object.keys(handlers).sort()).toEqual(
      tasksOf('run')
        .map(([name]) => name)
        .sort(),
    );
    await expect(handlers['Deploy Mojaloop']?.({})).resolves.toEqual({
      stateName: 'Deploy Mojaloop',
    });
  });

  it('rejects a resource without a handler', () => {
    expect(() => localHandlersByResource(definitions.run, { [RESOURCES.invoke]: handler })).toThrow(
      'no local handler for resource "arn:aws:states:::lambda:invoke.waitForTaskToken" of state "Approve Prerequisites deploy"',
    );
  });
});

describe('substitutePlaceholders', () => {
  const values = {
    ProjectPrefix: 'perfplane-dev',
    StepsFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:steps',
    ApprovalFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:approval',
  };

  it('fills every placeholder of the run machine', () => {
    const text = substitutePlaceholders(formatDefinition(definitions.run), values);
    const definition = JSON.parse(text) as typeof definitions.run;

    expect(text).not.toContain(`\${`);
    expect((definition.States['Deploy Mojaloop'] as TaskState).Parameters?.ProjectName).toBe(
      'perfplane-dev-04-mojaloop',
    );
    expect((definition.States['Check Mojaloop'] as TaskState).Parameters?.FunctionName).toBe(
      values.StepsFunctionArn,
    );
  });

  it('escapes values for JSON', () => {
    const text = substitutePlaceholders(`{"a":"\${ProjectPrefix}"}`, {
      ...values,
      ProjectPrefix: 'quote"d',
    });

    expect(JSON.parse(text)).toEqual({ a: 'quote"d' });
  });

  it('rejects a placeholder without a value', () => {
    expect(() => substitutePlaceholders(`{"a":"\${Unknown}"}`, values)).toThrow(
      `no value for placeholder \${Unknown}`,
    );
  });
});

describe('machine builders', () => {
  it('rejects phases with the same title', () => {
    const copy = { ...mojaloop(), id: '05-k6-infrastructure' as const };

    expect(() => runMachine([mojaloop(), copy])).toThrow(
      'duplicate state name "Start Mojaloop": give each phase in the catalog a distinct title',
    );
  });

  it.each([
    ['run', runMachine],
    ['rollback', rollbackMachine],
    ['validate', validateMachine],
  ] as const)('%s links a subset of phases', (_name, build) => {
    const definition = build([mojaloop()]);

    expect(aslValidator(structuredClone(definition)).errorsText('\n')).toBe('');
  });

  it('links lock to release without phases', () => {
    const definition = runMachine([]);

    expect(definition.States['Acquire environment lock']).toMatchObject({
      Next: 'Release environment lock',
    });
  });
});

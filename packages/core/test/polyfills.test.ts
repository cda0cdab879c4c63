import { StateMachine } from 'aws-local-stepfunctions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installPolyfills } from '../src/polyfills.js';

type WithResolvers = PromiseConstructor & { withResolvers?: unknown };

interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

const promise = Promise as WithResolvers;
const original = promise.withResolvers;

function removeWithResolvers(): void {
  delete promise.withResolvers;
}

/** Runs, on the local engine, a Task whose Catch stores the error it caught. */
async function runCaughtTask(): Promise<unknown> {
  const machine = new StateMachine({
    StartAt: 'Work',
    States: {
      Work: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Done' }],
        Next: 'Done',
      },
      Done: { Type: 'Succeed' },
    },
  });
  const execution = machine.run(
    {},
    { overrides: { taskResourceLocalHandlers: { Work: () => ({ worked: true }) } } },
  );
  return execution.result;
}

describe('installPolyfills', () => {
  beforeEach(removeWithResolvers);

  afterEach(() => {
    removeWithResolvers();
    if (original) {
      Object.defineProperty(Promise, 'withResolvers', {
        value: original,
        writable: true,
        configurable: true,
      });
    }
  });

  it('adds a working Promise.withResolvers', async () => {
    installPolyfills();

    const { promise: pending, resolve } = (
      Promise as unknown as { withResolvers: <T>() => Resolvers<T> }
    ).withResolvers<number>();
    resolve(42);

    await expect(pending).resolves.toBe(42);
  });

  it('keeps an existing implementation', () => {
    const existing = () => 'native';
    Object.defineProperty(Promise, 'withResolvers', { value: existing, configurable: true });

    installPolyfills();

    expect(promise.withResolvers).toBe(existing);
  });

  it('lets the local engine run a Task', async () => {
    installPolyfills();

    await expect(runCaughtTask()).resolves.toEqual({ worked: true });
  });

  it.runIf(original === undefined)('is needed: without it a caught Task fails', async () => {
    const output = (await runCaughtTask()) as { error?: { Error: string } };

    expect(output.error?.Error).toBe('TypeError');
  });
});

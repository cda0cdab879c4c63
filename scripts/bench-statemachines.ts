/**
 * Measures the generator and the local engine's overhead per execution of
 * the run machine, with handlers that return at once, so the figures are the
 * embedded control plane's own cost per run, not the phases' work.
 * Usage: npx tsx scripts/bench-statemachines.ts [executions]
 */
import { performance } from 'node:perf_hooks';
import { StateMachine } from 'aws-local-stepfunctions';
import {
  asLambdaInvoke,
  buildDefinitions,
  type JsonValue,
  localExecutionContext,
  localHandlersByResource,
  RESOURCES,
} from '../packages/core/src/index.js';

const executions = Number(process.argv[2] ?? 20);
if (!Number.isInteger(executions) || executions < 1 || executions > 1000) {
  console.error(`invalid execution count "${process.argv[2]}": use an integer from 1 to 1000`);
  process.exit(2);
}

function step(payload: { step: string }): JsonValue {
  return payload.step === 'acquireLock' ? { fence: 1 } : { decision: 'run' };
}

const generateStart = performance.now();
const definitions = buildDefinitions();
const generateMs = performance.now() - generateStart;

const handlers = localHandlersByResource(definitions.run, {
  [RESOURCES.invoke]: asLambdaInvoke(step),
  [RESOURCES.build]: () => ({ Build: { Id: 'build', BuildStatus: 'SUCCEEDED' } }),
  [RESOURCES.invokeWithCallback]: () => ({}),
});
const machine = new StateMachine(definitions.run as never);
const input = { runId: 'bench', environment: 'rehearsal', phases: [], interactive: false };

let states = 0;
const runStart = performance.now();
for (let index = 0; index < executions; index += 1) {
  const execution = machine.run(input, {
    overrides: { taskResourceLocalHandlers: handlers },
    context: localExecutionContext(`bench-${index}`),
  });
  const counting = (async () => {
    for await (const event of execution.eventLogs) {
      states += event.type === 'StateEntered' ? 1 : 0;
    }
  })();
  await execution.result;
  await counting;
}
const runMs = performance.now() - runStart;

console.log(`generate three definitions: ${generateMs.toFixed(1)} ms`);
console.log(`run machine, ${executions} executions: ${(runMs / executions).toFixed(1)} ms each`);
console.log(
  `states entered: ${states / executions} per execution, ${((states * 1000) / runMs).toFixed(0)} a second`,
);

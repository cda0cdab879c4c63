import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import type { PhaseId } from '../../src/catalog.js';
import {
  type ApprovalRequest,
  asLambdaInvoke,
  type FailureOutcome,
  type GateDecision,
  type JsonValue,
  type LocalResourceHandler,
  localExecutionContext,
  localHandlersByResource,
  type PhaseAction,
  RESOURCES,
  type StateMachineDefinition,
  type StepRequest,
} from '../../src/statemachines/index.js';

/** One build the fake CodeBuild ran, read from its environment variables. */
export interface BuildCall {
  phase: string;
  action: string;
  runId: string;
  environment: string;
  fence: string;
  projectName: string;
}

export interface FakeOptions {
  /** Gate decision per phase; phases not listed run. */
  decisions?: Partial<Record<PhaseId, string>>;
  /** Builds that fail, as "<phaseId> <action>", with the error name they raise. */
  failingBuilds?: Record<string, string>;
  /** Steps that throw once with this error name before they succeed. */
  flakySteps?: Partial<Record<StepRequest['step'], string>>;
  /** Steps that always throw. */
  brokenSteps?: StepRequest['step'][];
  lockHeld?: boolean;
  /** Whether the approval handler approves; false rejects with RunStopped. */
  approve?: boolean;
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function outcomeOf(errorName: string): FailureOutcome {
  return errorName === 'RequirementsNotMet' || errorName === 'RunStopped'
    ? errorName
    : 'PhaseFailed';
}

/**
 * Creates in-memory stand-ins for the steps Lambda, CodeBuild and the
 * approval Lambda, which record every call in order.
 */
export function makeFakeControlPlane(options: FakeOptions = {}) {
  const steps: StepRequest[] = [];
  const builds: BuildCall[] = [];
  const approvals: ApprovalRequest[] = [];
  /** Every call in order: "<step> <phase>", "build <phase> <action>" or "approve <phase>". */
  const timeline: string[] = [];
  const flaky = { ...options.flakySteps };
  let failedValidations = 0;

  const step = (request: StepRequest): JsonValue => {
    steps.push(request);
    timeline.push('phase' in request ? `${request.step} ${request.phase}` : request.step);
    const flakyError = flaky[request.step];
    if (flakyError) {
      delete flaky[request.step];
      throw namedError(flakyError, `${request.step} throttled`);
    }
    if (options.brokenSteps?.includes(request.step)) {
      throw namedError('Internal', `${request.step} failed`);
    }
    switch (request.step) {
      case 'acquireLock':
        if (options.lockHeld) {
          throw namedError('LockHeld', 'environment rehearsal is locked by run r0');
        }
        return { fence: 7 };
      case 'gate':
        return { decision: options.decisions?.[request.phase] ?? ('run' satisfies GateDecision) };
      case 'recordFailure':
        return { outcome: outcomeOf(request.error.Error) };
      case 'recordValidation':
        failedValidations += 'Error' in request.result ? 1 : 0;
        return {};
      case 'summarizeValidation':
        return { failed: failedValidations };
      default:
        return {};
    }
  };

  const build: LocalResourceHandler = (input) => {
    const parameters = input as {
      ProjectName: string;
      EnvironmentVariablesOverride: { Name: string; Value: string }[];
    };
    const env = Object.fromEntries(
      parameters.EnvironmentVariablesOverride.map((variable) => [variable.Name, variable.Value]),
    );
    const call: BuildCall = {
      phase: env.PERFPLANE_PHASE ?? '',
      action: env.PERFPLANE_ACTION ?? '',
      runId: env.PERFPLANE_RUN_ID ?? '',
      environment: env.PERFPLANE_ENV ?? '',
      fence: env.PERFPLANE_FENCE ?? '',
      projectName: parameters.ProjectName,
    };
    builds.push(call);
    timeline.push(`build ${call.phase} ${call.action}`);
    const failure = options.failingBuilds?.[`${call.phase} ${call.action}`];
    if (failure) {
      throw namedError(failure, `build of ${call.phase} ${call.action} failed`);
    }
    return { Build: { Id: `build-${builds.length}`, BuildStatus: 'SUCCEEDED', Logs: {} } };
  };

  const approval: LocalResourceHandler = (input) => {
    const request = (input as unknown as { Payload: ApprovalRequest }).Payload;
    approvals.push(request);
    timeline.push(`approve ${request.phase}`);
    if (options.approve === false) {
      throw namedError('RunStopped', `deploy of ${request.phase} rejected`);
    }
    return { approved: true };
  };

  const byResource: Record<string, LocalResourceHandler> = {
    [RESOURCES.invoke]: asLambdaInvoke(step),
    [RESOURCES.build]: build,
    [RESOURCES.invokeWithCallback]: approval,
  };
  return { steps, builds, approvals, timeline, byResource };
}

export type FakeControlPlane = ReturnType<typeof makeFakeControlPlane>;

export interface Execution {
  output?: unknown;
  /** Error name the execution failed with, as the engine reports it. */
  error?: string;
  /** States entered, in order. */
  states: string[];
}

export function runInput(overrides: Partial<Record<string, JsonValue>> = {}) {
  return { runId: 'run-1', environment: 'rehearsal', phases: [], interactive: false, ...overrides };
}

/** Runs `definition` on aws-local-stepfunctions with the fake's handlers. */
export async function execute(
  definition: StateMachineDefinition,
  fake: FakeControlPlane,
  input: JsonValue = runInput(),
): Promise<Execution> {
  const noRetryWait = Object.fromEntries(Object.keys(definition.States).map((name) => [name, 0]));
  const machine = new StateMachine(definition as never);
  const execution = machine.run(input, {
    overrides: {
      taskResourceLocalHandlers: localHandlersByResource(definition, fake.byResource),
      retryIntervalOverrides: noRetryWait,
    },
    context: localExecutionContext('test'),
  });
  const states: string[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') {
        states.push(event.state.name);
      }
    }
  })();
  try {
    const output = await execution.result;
    await collecting;
    return { output, states };
  } catch (error) {
    await collecting;
    if (error instanceof ExecutionError && error.cause instanceof Error) {
      return { error: error.cause.name, states };
    }
    throw error;
  }
}

export function buildsOf(fake: FakeControlPlane, action?: PhaseAction): string[] {
  return fake.builds
    .filter((call) => action === undefined || call.action === action)
    .map((call) => `${call.phase} ${call.action}`);
}

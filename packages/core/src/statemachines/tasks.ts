import type { Phase } from '../catalog.js';
import type { Catcher, PayloadTemplate, Retrier, TaskState, Transition } from './asl.js';
import type { PhaseAction, StepName } from './steps.js';

/** Task resources the definitions use; a runtime maps each to a handler. */
export const RESOURCES = {
  build: 'arn:aws:states:::codebuild:startBuild.sync',
  invoke: 'arn:aws:states:::lambda:invoke',
  invokeWithCallback: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
} as const;

/**
 * Placeholders the deployment replaces (definition substitutions): the
 * CodeBuild project name prefix and the ARNs of the steps and approval Lambdas.
 */
export const PLACEHOLDERS = {
  projectPrefix: substitution('ProjectPrefix'),
  stepsFunctionArn: substitution('StepsFunctionArn'),
  approvalFunctionArn: substitution('ApprovalFunctionArn'),
};

/** Returns `${name}`, the Step Functions definition substitution syntax. */
function substitution(name: string): string {
  return `\${${name}}`;
}

/** Errors of the Lambda service itself, worth retrying; errors the handler raises are not. */
const LAMBDA_RETRY: Retrier[] = [
  {
    ErrorEquals: [
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
    ],
    IntervalSeconds: 1,
    MaxAttempts: 4,
    BackoffRate: 2,
    JitterStrategy: 'FULL',
  },
];

/** Steps are short store writes; this bounds a hung invocation (Lambda's own limit is 900 s). */
export const STEP_TIMEOUT_SECONDS = 300;

// CodeBuild's per-environment build timeout governs; this backstop is its 36 h maximum plus 8 h of queueing.
export const BUILD_TIMEOUT_SECONDS = (36 + 8) * 3600;

/** An unanswered approval request expires after the heartbeat interval unless the API sends heartbeats. */
export const APPROVAL_HEARTBEAT_SECONDS = 4 * 3600;
export const APPROVAL_TIMEOUT_SECONDS = 24 * 3600;

/** Paths in the state data of the small results that later states read. */
export const DATA_PATHS = {
  fence: '$.lock.fence',
  currentPhase: '$.current.phase',
  decision: '$.gate.decision',
  error: '$.error',
  outcome: '$.failure.outcome',
} as const;

export function transition(next: string | undefined): Transition {
  return next === undefined ? { End: true } : { Next: next };
}

export function catchAll(next: string): Catcher[] {
  return [{ ErrorEquals: ['States.ALL'], ResultPath: DATA_PATHS.error, Next: next }];
}

const runFields: PayloadTemplate = {
  'runId.$': '$.runId',
  'environment.$': '$.environment',
};

/** Payload fields naming the phase and action, plus the run's lock fence. */
export function phaseFields(phase: Phase, action: PhaseAction): PayloadTemplate {
  return { phase: phase.id, action, 'fence.$': DATA_PATHS.fence };
}

interface StepOptions {
  /** The next state; without it the step ends the execution. */
  next?: string;
  /** Fields the step needs besides `step`, `runId` and `environment`. */
  fields?: PayloadTemplate;
  /** Template over the invoke result; the handler's return value is at `$.Payload`. */
  select?: PayloadTemplate;
  resultPath?: string | null;
  catchNext?: string;
  catchResultPath?: string;
}

/** Builds a task that invokes the steps Lambda with `{ step, runId, environment, ...fields }`. */
export function stepTask(step: StepName, options: StepOptions): TaskState {
  const catchers: Catcher[] | undefined = options.catchNext
    ? [
        {
          ErrorEquals: ['States.ALL'],
          ResultPath: options.catchResultPath ?? DATA_PATHS.error,
          Next: options.catchNext,
        },
      ]
    : undefined;
  return {
    Type: 'Task',
    Resource: RESOURCES.invoke,
    Parameters: {
      FunctionName: PLACEHOLDERS.stepsFunctionArn,
      Payload: { step, ...runFields, ...options.fields },
    },
    ...(options.select ? { ResultSelector: options.select } : {}),
    ResultPath: options.resultPath ?? null,
    TimeoutSeconds: STEP_TIMEOUT_SECONDS,
    Retry: LAMBDA_RETRY,
    ...(catchers ? { Catch: catchers } : {}),
    ...transition(options.next),
  };
}

/** Builds a CodeBuild environment variable override with a fixed value or one read from a path. */
function variable(name: string, value: string | { path: string }): PayloadTemplate {
  return typeof value === 'string'
    ? { Name: name, Type: 'PLAINTEXT', Value: value }
    : { Name: name, Type: 'PLAINTEXT', 'Value.$': value.path };
}

/**
 * Builds a task that runs `phases/<phaseId>/<action>.sh` in the phase's
 * CodeBuild project and keeps only the build id and status.
 */
export function buildTask(phase: Phase, action: PhaseAction, next: string, catchNext: string) {
  const state: TaskState = {
    Type: 'Task',
    Resource: RESOURCES.build,
    Parameters: {
      ProjectName: `${PLACEHOLDERS.projectPrefix}-${phase.id}`,
      EnvironmentVariablesOverride: [
        variable('PERFPLANE_ACTION', action),
        variable('PERFPLANE_RUN_ID', { path: '$.runId' }),
        variable('PERFPLANE_ENV', { path: '$.environment' }),
        variable('PERFPLANE_PHASE', phase.id),
        // CodeBuild variables are strings and the fence is a number.
        variable('PERFPLANE_FENCE', { path: `States.Format('{}', ${DATA_PATHS.fence})` }),
      ],
    },
    ResultSelector: { 'id.$': '$.Build.Id', 'status.$': '$.Build.BuildStatus' },
    ResultPath: '$.build',
    TimeoutSeconds: BUILD_TIMEOUT_SECONDS,
    Catch: catchAll(catchNext),
    Next: next,
  };
  return state;
}

/**
 * Builds the interactive approval task: it invokes the approval Lambda with a
 * task token and waits until the API returns that token.
 */
export function approvalTask(phase: Phase, action: PhaseAction, next: string, catchNext: string) {
  const state: TaskState = {
    Type: 'Task',
    Resource: RESOURCES.invokeWithCallback,
    Parameters: {
      FunctionName: PLACEHOLDERS.approvalFunctionArn,
      Payload: {
        step: 'requestApproval',
        ...runFields,
        ...phaseFields(phase, action),
        'taskToken.$': '$$.Task.Token',
      },
    },
    ResultPath: null,
    TimeoutSeconds: APPROVAL_TIMEOUT_SECONDS,
    HeartbeatSeconds: APPROVAL_HEARTBEAT_SECONDS,
    Retry: LAMBDA_RETRY,
    Catch: catchAll(catchNext),
    Next: next,
  };
  return state;
}

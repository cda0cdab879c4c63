import type { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EKSClient } from '@aws-sdk/client-eks';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type Environment, loadEnvironment } from '@perfplane/core';
import { Artifacts, createDocumentClient, type StateRepository, Store } from '@perfplane/store';
import { isApprovalRequest, TaskTokenApprovals } from './adapters/approvals.js';
import { CodeBuildController, startTestRunCleanup } from './adapters/builds.js';
import { databaseIdentifierFrom, FastValidator } from './adapters/checks.js';
import { AwsCostSaver, CostSavingRecords } from './adapters/cost-saver.js';
import { AwsRunLogReader } from './adapters/logs.js';
import { StepFunctionsOrchestrator } from './adapters/orchestrator.js';
import type { LambdaConfig } from './config.js';
import { createApiHandler } from './handlers/api.js';
import { createCostSavingHandler } from './handlers/cost-saving.js';
import { createEmergencyStopHandler, type StopResult } from './handlers/emergency-stop.js';
import { createLockReaperHandler } from './handlers/lock-reaper.js';
import { createSlackHandler } from './handlers/slack.js';
import { createStepsHandler } from './handlers/steps.js';
import { type BuiltBundle, createSupportBundleHandler } from './handlers/support-bundle.js';
import { createValidateHandler } from './handlers/validate.js';
import { lambdaInvoker } from './runtime/invoke.js';
import { arnsOf, functionName } from './settings/names.js';

/** The AWS side of the control plane's ports (ControlDeps in @perfplane/control). */
export interface AwsControlDeps {
  store: StateRepository;
  artifacts: Artifacts;
  orchestrator: StepFunctionsOrchestrator;
  builds: CodeBuildController;
  logs: AwsRunLogReader;
  costSaver: AwsCostSaver;
  loadEnvironment: (name: string) => Promise<Environment>;
}

/**
 * The functions of @perfplane/control the Lambdas call, typed by shape so
 * this package does not pin the control package's internals.
 */
export interface ControlModule {
  handleApiRequest(
    deps: AwsControlDeps,
    request: { method: string; path: string; headers?: Record<string, string>; body?: string },
    onError?: (error: unknown) => void,
  ): Promise<{ status: number; headers: Record<string, string>; body: string }>;
  handleStep(
    deps: AwsControlDeps,
    input: { step: string; runId: string; environment: string },
  ): Promise<unknown>;
  emergencyStop(deps: AwsControlDeps, environment: string): Promise<StopResult>;
  buildSupportBundle(deps: AwsControlDeps, environment: string): Promise<BuiltBundle>;
  validateAll(deps: AwsControlDeps, environment: string): Promise<{ runId: string }>;
  finishExecution(
    deps: AwsControlDeps,
    runId: string,
    ended: { ok: boolean; error?: { Error: string; Cause?: unknown } },
  ): Promise<void>;
}

export interface AwsClients {
  dynamo: DynamoDBClient;
  s3: S3Client;
  sfn: SFNClient;
  codebuild: CodeBuildClient;
  logs: CloudWatchLogsClient;
  eks: EKSClient;
  rds: RDSClient;
  lambda: LambdaClient;
}

/** Creates the SDK clients once per cold start; the region comes from the Lambda's AWS_REGION. */
export function createClients(): AwsClients {
  return {
    dynamo: new DynamoDBClient({}),
    s3: new S3Client({}),
    sfn: new SFNClient({}),
    codebuild: new CodeBuildClient({}),
    logs: new CloudWatchLogsClient({}),
    eks: new EKSClient({}),
    rds: new RDSClient({}),
    lambda: new LambdaClient({}),
  };
}

/** Builds the control plane's dependencies from AWS clients. */
export function createControlDeps(config: LambdaConfig, clients: AwsClients): AwsControlDeps {
  const scope = {
    region: config.region,
    accountId: config.accountId,
    prefix: config.prefix,
    tableName: config.tableName,
    bucketName: config.bucketName,
  };
  const arns = arnsOf(scope);
  const store = new Store({ client: clients.dynamo, tableName: config.tableName });
  const artifacts = new Artifacts({ client: clients.s3, bucket: config.bucketName });
  const load = (name: string) => loadEnvironment(config.root, name);
  const phaseStates = (environment: string) => store.getPhaseStates(environment);
  return {
    store,
    artifacts,
    orchestrator: new StepFunctionsOrchestrator(clients.sfn, (machine) =>
      arns.stateMachine(machine),
    ),
    builds: new CodeBuildController(clients.codebuild),
    logs: new AwsRunLogReader({
      prefix: config.prefix,
      store,
      logs: clients.logs,
      sfn: clients.sfn,
      artifacts,
    }),
    costSaver: new AwsCostSaver({
      eks: clients.eks,
      rds: clients.rds,
      records: new CostSavingRecords(createDocumentClient(clients.dynamo), config.tableName),
      loadEnvironment: load,
      databaseIdentifier: (env) => databaseIdentifierFrom(phaseStates, env),
    }),
    loadEnvironment: load,
  };
}

export interface Wiring {
  config: LambdaConfig;
  clients: AwsClients;
  control: ControlModule;
  logger: Logger;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

const APPROVAL_PATH = /^\/runs\/([^/?]+)\/approvals$/;

export function wireApi({ config, clients, control, logger }: Wiring) {
  const deps = createControlDeps(config, clients);
  const approvals = new TaskTokenApprovals(deps.store, clients.sfn);
  return createApiHandler({
    logger,
    environments: config.environments,
    invoke: lambdaInvoker(clients.lambda, config.prefix),
    router: async (request) => {
      const response = await control.handleApiRequest(deps, {
        method: request.method,
        path: request.path,
        headers: request.headers,
        body: request.body === undefined ? '' : JSON.stringify(request.body),
      });
      const approval = APPROVAL_PATH.exec(request.path);
      if (approval?.[1] && response.status === 200) {
        // The control plane recorded the decision. On AWS the waiting task must also be resumed.
        await approvals.answer(
          decodeURIComponent(approval[1]),
          request.body as { phase: string; action: string; approved: boolean },
        );
      }
      return { status: response.status, headers: response.headers, body: parseJson(response.body) };
    },
  });
}

export function wireSteps({ config, clients, control, logger }: Wiring) {
  const deps = createControlDeps(config, clients);
  const approvals = new TaskTokenApprovals(deps.store, clients.sfn);
  return createStepsHandler({
    logger,
    handleStep: (input) =>
      isApprovalRequest(input) ? approvals.request(input) : control.handleStep(deps, input),
  });
}

export function wireSlack({ config, clients, logger }: Omit<Wiring, 'control'>) {
  const secret = config.slackSigningSecret;
  return createSlackHandler({
    logger,
    lambda: clients.lambda,
    selfFunctionName: config.functionName ?? functionName(config.prefix, 'slack'),
    apiFunctionName: functionName(config.prefix, 'api'),
    signingSecret: async () => {
      if (!secret) {
        throw new Error(
          'SLACK_SIGNING_SECRET is not set; set the SlackSigningSecret secret with `npx sst secret set`',
        );
      }
      return secret;
    },
  });
}

export function wireEmergencyStop({ config, clients, control, logger }: Wiring) {
  const deps = createControlDeps(config, clients);
  return createEmergencyStopHandler({
    logger,
    environments: config.environments,
    stop: (environment) => control.emergencyStop(deps, environment),
    phasesOf: async (runId) => (await deps.store.getRun(runId))?.phases ?? [],
    deleteTestRuns: async (environment, runId) => {
      const env = await deps.loadEnvironment(environment);
      if (!env.aws) {
        return undefined;
      }
      return startTestRunCleanup(clients.codebuild, {
        prefix: config.prefix,
        runId,
        environment,
        k6Cluster: env.aws.k6Cluster.name,
      });
    },
  });
}

export function wireCostSaving({ config, clients, logger }: Omit<Wiring, 'control'>) {
  const deps = createControlDeps(config, clients);
  return createCostSavingHandler({
    logger,
    environments: config.environments,
    getLock: (environment) => deps.store.getLock(environment),
    apply: (environment, action) => deps.costSaver.apply(environment, action),
    restopDatabase: (environment) => deps.costSaver.restopDatabase(environment),
    validateLater: async (environment) => {
      await clients.lambda.send(
        new InvokeCommand({
          FunctionName: functionName(config.prefix, 'validate'),
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify({ environment, body: {}, source: 'schedule' })),
        }),
      );
    },
  });
}

export function wireValidate({ config, clients, control, logger }: Wiring) {
  const deps = createControlDeps(config, clients);
  const phaseStates = (environment: string) => deps.store.getPhaseStates(environment);
  const records = new CostSavingRecords(createDocumentClient(clients.dynamo), config.tableName);
  const validator = new FastValidator({
    eks: clients.eks,
    rds: clients.rds,
    phaseStates,
    databaseIdentifier: (env) => databaseIdentifierFrom(phaseStates, env),
    costSavingOn: async (environment) => (await records.get(environment))?.mode === 'on',
  });
  return createValidateHandler({
    logger,
    environments: config.environments,
    loadEnvironment: deps.loadEnvironment,
    validate: (env) => validator.validate(env),
    startValidateBuilds: (environment) => control.validateAll(deps, environment),
  });
}

export function wireSupportBundle({ config, clients, control, logger }: Wiring) {
  const deps = createControlDeps(config, clients);
  return createSupportBundleHandler({
    logger,
    environments: config.environments,
    build: (environment) => control.buildSupportBundle(deps, environment),
    presign: (key, expiresIn, downloadName) =>
      getSignedUrl(
        clients.s3,
        new GetObjectCommand({
          Bucket: config.bucketName,
          Key: key,
          ...(downloadName
            ? { ResponseContentDisposition: `attachment; filename="${downloadName}"` }
            : {}),
        }),
        { expiresIn },
      ),
  });
}

export function wireLockReaper({ config, clients, control, logger }: Wiring) {
  const deps = createControlDeps(config, clients);
  return createLockReaperHandler({
    logger,
    environments: config.environments,
    getLock: (environment) => deps.store.getLock(environment),
    getRun: (runId) => deps.store.getRun(runId),
    executionStatus: (arn) => deps.orchestrator.status(arn),
    finishRun: (runId, ended) => control.finishExecution(deps, runId, ended),
    releaseLock: (environment, owner, fence) => deps.store.releaseLock(environment, owner, fence),
  });
}

import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  BatchGetBuildsCommand,
  CodeBuildClient,
  StartBuildCommand,
} from '@aws-sdk/client-codebuild';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  EKSClient,
  ListNodegroupsCommand,
} from '@aws-sdk/client-eks';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ensureTable, Store } from '@perfplane/store';
import { dynaliteClient, type LocalServer, startDynalite } from '@perfplane/store/testing';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaConfig } from '../src/config.js';
import { LAMBDAS, type LambdaName, lambdaPolicies, managedResources } from '../src/settings/iam.js';
import * as wiring from '../src/wiring.js';
import { loadEnvironmentFile, makeScope, ROOT } from './fixtures.js';
import { makeContext, makeEvent, makeLogger } from './helpers.js';
import { fakeControl } from './support/fake-control.js';
import { actionOf, allows, resourceOf, type SentCommand } from './support/iam-match.js';

const scope = makeScope({ region: 'us-east-1', tableName: 'iam-table', bucketName: 'iam-bucket' });
const config: LambdaConfig = {
  prefix: scope.prefix,
  tableName: scope.tableName,
  bucketName: scope.bucketName,
  accountId: scope.accountId,
  region: scope.region,
  environments: ['aws-1000tps'],
  root: ROOT,
  functionName: `${scope.prefix}-slack`,
  slackSigningSecret: 'secret',
};
const policies = lambdaPolicies(scope, managedResources([loadEnvironmentFile('aws-1000tps')]));

const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const codebuild = mockClient(CodeBuildClient);
const logs = mockClient(CloudWatchLogsClient);
const eks = mockClient(EKSClient);
const rds = mockClient(RDSClient);
const lambdaMock = mockClient(LambdaClient);
// biome-ignore lint/suspicious/noExplicitAny: stubs of different clients share one list
const mocks: [string, AwsStub<any, any, any>][] = [
  ['S3Client', s3],
  ['SFNClient', sfn],
  ['CodeBuildClient', codebuild],
  ['CloudWatchLogsClient', logs],
  ['EKSClient', eks],
  ['RDSClient', rds],
  ['LambdaClient', lambdaMock],
];

let dynamo: LocalServer;
let dynamoClient: DynamoDBClient;
const dynamoSent: SentCommand[] = [];
const sent = new Map<LambdaName, SentCommand[]>();

function stubResponses() {
  s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  sfn.on(StartExecutionCommand).resolves({
    executionArn: `arn:aws:states:us-east-1:${scope.accountId}:execution:${scope.prefix}-run:x`,
  });
  sfn.on(DescribeExecutionCommand).resolves({ status: 'ABORTED' });
  sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
  codebuild.on(BatchGetBuildsCommand).resolves({ builds: [{ buildStatus: 'IN_PROGRESS' }] });
  codebuild
    .on(StartBuildCommand)
    .resolves({ build: { id: `${scope.prefix}-07-performance-tests:1` } });
  logs.on(FilterLogEventsCommand).resolves({ events: [{ message: 'line' }] });
  eks.on(DescribeClusterCommand).resolves({ cluster: { status: 'ACTIVE' } });
  eks.on(ListNodegroupsCommand).resolves({ nodegroups: ['ng'] });
  eks.on(DescribeNodegroupCommand).resolves({
    nodegroup: {
      status: 'ACTIVE',
      scalingConfig: { minSize: 1, maxSize: 2, desiredSize: 1 },
      subnets: ['s'],
    },
  });
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: 'available' }] });
  lambdaMock
    .on(InvokeCommand)
    .resolves({ StatusCode: 200, Payload: Buffer.from('{"statusCode":200,"body":"{}"}') as never });
}

function clients(): wiring.AwsClients {
  return {
    dynamo: dynamoClient,
    s3: new S3Client({}),
    sfn: new SFNClient({}),
    codebuild: new CodeBuildClient({}),
    logs: new CloudWatchLogsClient({}),
    eks: new EKSClient({}),
    rds: new RDSClient({}),
    lambda: new LambdaClient({}),
  };
}

/** Runs `scenario` for one Lambda and records every AWS command it sent. */
async function record(lambda: LambdaName, scenario: () => Promise<unknown>) {
  for (const [, mock] of mocks) {
    mock.resetHistory();
  }
  dynamoSent.length = 0;
  await scenario();
  const calls: SentCommand[] = [...dynamoSent];
  for (const [client, mock] of mocks) {
    for (const call of mock.calls()) {
      const command = call.args[0] as {
        constructor: { name: string };
        input: Record<string, unknown>;
      };
      calls.push({ client, command: command.constructor.name, input: command.input });
    }
  }
  sent.set(lambda, [...(sent.get(lambda) ?? []), ...calls]);
}

async function runningRun(store: Store, phases: ['07-performance-tests']) {
  const run = await store.createRun({ environment: 'aws-1000tps', phases });
  await store.updateRun(run.runId, {
    status: 'running',
    startedAt: new Date().toISOString(),
    executionArn: `arn:aws:states:us-east-1:${scope.accountId}:execution:${scope.prefix}-run:${run.runId}`,
  });
  await store.acquireLock({ environment: 'aws-1000tps', owner: run.runId, leaseMs: 60_000 });
  await store.appendEvent(run.runId, {
    type: 'build-started',
    phase: '07-performance-tests',
    message: 'build',
    data: { buildId: `${scope.prefix}-07-performance-tests:abc` },
  });
  return run;
}

beforeAll(async () => {
  dynamo = await startDynalite();
  dynamoClient = dynaliteClient(dynamo.endpoint);
  await ensureTable(dynamoClient, scope.tableName);
  dynamoClient.middlewareStack.add(
    (next, context) => async (args) => {
      dynamoSent.push({
        client: 'DynamoDBClient',
        command: String(context.commandName),
        input: args.input as Record<string, unknown>,
      });
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  stubResponses();
  const store = new Store({ client: dynamoClient, tableName: scope.tableName });
  const logger = makeLogger().logger;
  const wire = { config, clients: clients(), control: fakeControl, logger };

  const api = wiring.wireApi(wire);
  await record('api', async () => {
    await api(makeEvent('GET', '/environments/aws-1000tps/progress'), makeContext());
    await api(makeEvent('POST', '/environments/aws-1000tps/runs', {}), makeContext());
    for (const operation of ['emergency-stop', 'validate', 'support-bundle']) {
      await api(makeEvent('POST', `/environments/aws-1000tps/${operation}`, {}), makeContext());
    }
    await api(
      makeEvent('POST', '/environments/aws-1000tps/cost-saving', { action: 'on' }),
      makeContext(),
    );
  });

  const steps = wiring.wireSteps(wire);
  await record('steps', () =>
    steps({ step: 'acquireLock', runId: 'steps-run', environment: 'aws-1000tps' }, makeContext()),
  );
  await record('steps', () =>
    steps(
      {
        step: 'requestApproval',
        runId: 'steps-run',
        environment: 'aws-1000tps',
        phase: '01-prerequisites',
        action: 'deploy',
        taskToken: 'token-1',
      },
      makeContext(),
    ),
  );
  const released = await store.getLock('aws-1000tps');
  await store.releaseLock('aws-1000tps', 'steps-run', released?.fence ?? 0);
  await record('api', () =>
    api(
      makeEvent('POST', '/runs/steps-run/approvals', {
        phase: '01-prerequisites',
        action: 'deploy',
        approved: true,
      }),
      makeContext(),
    ),
  );

  const slack = wiring.wireSlack(wire);
  await record('slack', async () => {
    const body =
      'text=status+aws-1000tps&response_url=https%3A%2F%2Fhooks.slack.com%2Fx&user_id=U1';
    const { signSlackRequest } = await import('../src/slack/signature.js');
    const timestamp = String(Math.floor(Date.now() / 1000));
    await slack(
      makeEvent('POST', '/slack/commands', body, {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signSlackRequest('secret', timestamp, body),
      }),
      makeContext(),
    );
  });

  const validate = wiring.wireValidate(wire);
  await record('validate', () =>
    validate(
      { environment: 'aws-1000tps', body: { detailed: true }, source: 'api' },
      makeContext(),
    ),
  );

  const costSaving = wiring.wireCostSaving(wire);
  await record('cost-saving', async () => {
    for (const action of ['on', 'off', 'restop-database']) {
      await costSaving(
        { environment: 'aws-1000tps', body: { action }, source: 'schedule' },
        makeContext(),
      );
    }
  });

  const emergencyStop = wiring.wireEmergencyStop(wire);
  await runningRun(store, ['07-performance-tests']);
  sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
  await record('emergency-stop', () =>
    emergencyStop({ environment: 'aws-1000tps', body: {}, source: 'api' }, makeContext()),
  );

  const bundle = wiring.wireSupportBundle(wire);
  await record('support-bundle', () =>
    bundle({ environment: 'aws-1000tps', body: {}, source: 'api' }, makeContext()),
  );

  const reaper = wiring.wireLockReaper(wire);
  await runningRun(store, ['07-performance-tests']);
  sfn.on(DescribeExecutionCommand).resolves({ status: 'ABORTED' });
  await record('lock-reaper', () => reaper({}, makeContext()));
});

afterAll(async () => {
  await dynamo.close();
});

describe('lambda policies', () => {
  it('name no wildcard action', () => {
    for (const lambda of LAMBDAS) {
      for (const statement of policies[lambda].Statement) {
        for (const action of statement.Action) {
          expect(action, `${lambda} ${statement.Sid}`).not.toMatch(/\*/);
        }
      }
    }
  });

  it('name no account-wide resource', () => {
    for (const lambda of LAMBDAS) {
      for (const statement of policies[lambda].Statement) {
        expect(statement.Resource, `${lambda} ${statement.Sid}`).not.toContain('*');
      }
    }
  });

  it('cover every Lambda', () => {
    expect([...sent.keys()].sort()).toEqual([...LAMBDAS].sort());
  });

  for (const lambda of LAMBDAS) {
    it(`allow what ${lambda} sends`, () => {
      const calls = sent.get(lambda) ?? [];
      expect(calls.length, `${lambda} sent no command`).toBeGreaterThan(0);
      for (const call of calls) {
        const action = actionOf(call);
        const resource = resourceOf(call, scope);
        expect(
          allows(policies[lambda], action, resource),
          `${lambda}: ${action} on ${resource}`,
        ).toBe(true);
      }
    });
  }

  it('see the expected commands', () => {
    const names = (lambda: LambdaName) =>
      new Set((sent.get(lambda) ?? []).map((call) => actionOf(call)));
    expect(names('api')).toContain('lambda:InvokeFunction');
    expect(names('api')).toContain('states:StartExecution');
    expect(names('api')).toContain('states:SendTaskSuccess');
    expect(names('slack')).toContain('lambda:InvokeFunction');
    expect(names('emergency-stop')).toContain('states:StopExecution');
    expect(names('emergency-stop')).toContain('codebuild:StopBuild');
    expect(names('emergency-stop')).toContain('codebuild:StartBuild');
    expect(names('cost-saving')).toContain('eks:UpdateNodegroupConfig');
    expect(names('cost-saving')).toContain('rds:StopDBInstance');
    expect(names('support-bundle')).toContain('logs:FilterLogEvents');
    expect(names('support-bundle')).toContain('states:GetExecutionHistory');
    expect(names('support-bundle')).toContain('s3:PutObject');
    expect(names('lock-reaper')).toContain('states:DescribeExecution');
    expect(names('validate')).toContain('rds:DescribeDBInstances');
  });

  it('deny what api does not need', () => {
    expect(
      allows(
        policies.api,
        'eks:UpdateNodegroupConfig',
        `arn:aws:eks:us-east-1:${scope.accountId}:nodegroup/perf-k6/ng/x`,
      ),
    ).toBe(false);
    expect(
      allows(
        policies.slack,
        'dynamodb:GetItem',
        `arn:aws:dynamodb:us-east-1:${scope.accountId}:table/iam-table`,
      ),
    ).toBe(false);
    expect(
      allows(policies['support-bundle'], 's3:PutObject', 'arn:aws:s3:::iam-bucket/reports/x'),
    ).toBe(false);
  });

  it('allow the presigned bundle download', () => {
    expect(
      allows(
        policies['support-bundle'],
        's3:GetObject',
        'arn:aws:s3:::iam-bucket/support-bundles/aws-1000tps/b.tar.gz',
      ),
    ).toBe(true);
  });
});

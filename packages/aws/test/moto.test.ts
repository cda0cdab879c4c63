import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CodeBuildClient,
  type ComputeType,
  CreateProjectCommand,
  ListProjectsCommand,
} from '@aws-sdk/client-codebuild';
import { DescribeTimeToLiveCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateClusterCommand,
  CreateNodegroupCommand,
  DescribeNodegroupCommand,
  EKSClient,
} from '@aws-sdk/client-eks';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateDBInstanceCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  CreateBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  GetPublicAccessBlockCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import {
  CreateScheduleCommand,
  GetScheduleCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  Artifacts,
  createDocumentClient,
  createDynamoClient,
  createS3Client,
  ensureTable,
  Store,
} from '@perfplane/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FastValidator } from '../src/adapters/checks.js';
import { AwsCostSaver, CostSavingRecords } from '../src/adapters/cost-saver.js';
import { AwsRunLogReader } from '../src/adapters/logs.js';
import { StepFunctionsOrchestrator } from '../src/adapters/orchestrator.js';
import {
  bucketSettings,
  buildLogGroup,
  codeBuildProjects,
  costSavingSchedules,
  readDefinition,
  substituteDefinition,
  TTL_ATTRIBUTE,
} from '../src/settings/index.js';
import { loadEnvironmentFile, ROOT } from './fixtures.js';
import { type MotoServer, startMoto } from './support/moto.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const PREFIX = 'pp-moto';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
let moto: MotoServer;
const options = () => ({ endpoint: moto.endpoint, region: REGION, credentials });

beforeAll(async () => {
  moto = await startMoto();
});

afterAll(async () => {
  await moto?.stop();
});

async function role(name: string, service: string): Promise<string> {
  const iam = new IAMClient(options());
  const output = await iam.send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  return output.Role?.Arn ?? '';
}

describe('moto: DynamoDB', () => {
  it('serves the store with TTL on', async () => {
    const client = createDynamoClient(options());
    await ensureTable(client, 'moto-table');
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: 'moto-table',
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: 'moto-table' }));
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe('expiresAtEpoch');
    const store = new Store({ client, tableName: 'moto-table' });
    const run = await store.createRun({ environment: 'aws-1000tps', phases: ['01-prerequisites'] });
    const grant = await store.acquireLock({
      environment: 'aws-1000tps',
      owner: run.runId,
      leaseMs: 60_000,
    });
    await expect(
      store.acquireLock({ environment: 'aws-1000tps', owner: 'other', leaseMs: 60_000 }),
    ).rejects.toMatchObject({
      code: 'LockHeld',
    });
    await store.releaseLock('aws-1000tps', run.runId, grant.fence);
    expect((await store.listRuns('aws-1000tps')).map((item) => item.runId)).toEqual([run.runId]);
  });
});

describe('moto: S3', () => {
  it('accepts the bucket settings', async () => {
    const s3 = createS3Client(options());
    await s3.send(new CreateBucketCommand({ Bucket: 'moto-artifacts' }));
    const settings = bucketSettings();
    await s3.send(
      new PutBucketVersioningCommand({
        Bucket: 'moto-artifacts',
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: 'moto-artifacts',
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: settings.publicAccessBlock.blockPublicAcls,
          BlockPublicPolicy: settings.publicAccessBlock.blockPublicPolicy,
          IgnorePublicAcls: settings.publicAccessBlock.ignorePublicAcls,
          RestrictPublicBuckets: settings.publicAccessBlock.restrictPublicBuckets,
        },
      }),
    );
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: 'moto-artifacts',
        LifecycleConfiguration: {
          Rules: settings.lifecycle.map((rule) => ({
            ID: rule.id,
            Status: 'Enabled',
            Filter: { Prefix: rule.prefix },
            Transitions: rule.transitions.map((t) => ({
              Days: t.days,
              StorageClass: t.storageClass,
            })),
            ...(rule.expirationDays ? { Expiration: { Days: rule.expirationDays } } : {}),
            ...(rule.noncurrentVersionExpirationDays
              ? {
                  NoncurrentVersionExpiration: {
                    NoncurrentDays: rule.noncurrentVersionExpirationDays,
                  },
                }
              : {}),
            AbortIncompleteMultipartUpload: {
              DaysAfterInitiation: rule.abortIncompleteMultipartUploadDays,
            },
          })),
        },
      }),
    );
    const lifecycle = await s3.send(
      new GetBucketLifecycleConfigurationCommand({ Bucket: 'moto-artifacts' }),
    );
    expect(lifecycle.Rules?.map((rule) => rule.ID)).toEqual(
      settings.lifecycle.map((rule) => rule.id),
    );
    const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'moto-artifacts' }));
    expect(block.PublicAccessBlockConfiguration?.RestrictPublicBuckets).toBe(true);
  });

  it('uploads a bundle in parts', async () => {
    const s3 = createS3Client(options());
    const artifacts = new Artifacts({ client: s3, bucket: 'moto-artifacts' });
    const body = Buffer.alloc(6 * 1024 * 1024, 'a');
    await artifacts.putObject('support-bundles/aws-1000tps/big.tar.gz', body, {
      contentType: 'application/gzip',
    });
    const listed = await artifacts.list('support-bundles/aws-1000tps/');
    expect(listed.map((entry) => [entry.key, entry.size])).toEqual([
      ['support-bundles/aws-1000tps/big.tar.gz', body.length],
    ]);
    const url = await artifacts.presignGet('support-bundles/aws-1000tps/big.tar.gz', 60);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBe(body.length);
  });
});

describe('moto: Step Functions', () => {
  it('runs the substituted definition', async () => {
    const sfn = new SFNClient(options());
    const roleArn = await role('pp-moto-states', 'states.amazonaws.com');
    const definition = substituteDefinition(readDefinition(ROOT, 'run'), {
      ProjectPrefix: PREFIX,
      StepsFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${PREFIX}-steps`,
      ApprovalFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${PREFIX}-steps`,
    });
    const created = await sfn.send(
      new CreateStateMachineCommand({ name: `${PREFIX}-run`, definition, roleArn }),
    );
    const orchestrator = new StepFunctionsOrchestrator(sfn, () => created.stateMachineArn ?? '');
    const executionArn = await orchestrator.start('run', {
      runId: 'run-moto-1',
      environment: 'aws-1000tps',
      phases: ['01-prerequisites'],
      interactive: false,
    });
    expect(executionArn).toMatch(/:execution:pp-moto-run:run-moto-1$/);
    expect(await orchestrator.status(executionArn)).toBe('RUNNING');
    await orchestrator.stop(executionArn, 'emergency stop');
    expect(await orchestrator.status(executionArn)).toBe('ABORTED');
    await orchestrator.stop(executionArn, 'second stop');
    expect(await orchestrator.status(executionArn)).toBe('ABORTED');
    await expect(
      orchestrator.start('run', {
        runId: 'run-moto-1',
        environment: 'aws-1000tps',
        phases: [],
        interactive: false,
      }),
    ).rejects.toThrow(/already exists/i);
  });

  it('reports an unknown execution', async () => {
    const orchestrator = new StepFunctionsOrchestrator(new SFNClient(options()), () => '');
    expect(
      await orchestrator.status(
        `arn:aws:states:${REGION}:${ACCOUNT}:execution:${PREFIX}-run:missing`,
      ),
    ).toBe('UNKNOWN');
  });
});

describe('moto: CodeBuild', () => {
  // NOTE: moto 5.2 sends a StartBuild start time the SDK v3 cannot parse
  // ("Expected real number, got implicit NaN"), so StartBuild, StopBuild and
  // BatchGetBuilds are covered by the mock tests only.
  it('creates a project per phase', async () => {
    const codebuild = new CodeBuildClient(options());
    const serviceRole = await role('pp-moto-build', 'codebuild.amazonaws.com');
    const projects = codeBuildProjects(PREFIX, [loadEnvironmentFile('aws-1000tps')]);
    for (const project of projects) {
      await codebuild.send(
        new CreateProjectCommand({
          name: project.name,
          description: project.description,
          source: {
            type: 'S3',
            location: 'moto-artifacts/source/perfplane.zip',
            buildspec: project.buildspec,
          },
          artifacts: { type: 'NO_ARTIFACTS' },
          environment: {
            type: 'LINUX_CONTAINER',
            image: project.image,
            computeType: project.computeType as ComputeType,
          },
          serviceRole,
          timeoutInMinutes: project.timeoutInMinutes,
          queuedTimeoutInMinutes: project.queuedTimeoutInMinutes,
          logsConfig: { cloudWatchLogs: { status: 'ENABLED', groupName: project.logGroup } },
        }),
      );
    }
    const listed = await codebuild.send(new ListProjectsCommand({}));
    expect(listed.projects?.sort()).toEqual(projects.map((project) => project.name).sort());
  });
});

describe('moto: EKS, RDS and the cost saver', () => {
  it('scales down, stops, restores and validates', async () => {
    const environment = loadEnvironmentFile('aws-1000tps');
    const eks = new EKSClient(options());
    const rds = new RDSClient(options());
    const roleArn = await role('pp-moto-eks', 'eks.amazonaws.com');
    for (const cluster of ['perf-mojaloop', 'perf-k6']) {
      await eks.send(
        new CreateClusterCommand({
          name: cluster,
          roleArn,
          resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'] },
        }),
      );
      await eks.send(
        new CreateNodegroupCommand({
          clusterName: cluster,
          nodegroupName: 'main',
          nodeRole: roleArn,
          subnets: ['subnet-1', 'subnet-2'],
          scalingConfig: { minSize: 2, maxSize: 4, desiredSize: 3 },
        }),
      );
    }
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'aws-1000tps-mojaloop',
        DBInstanceClass: 'db.m7i.large',
        Engine: 'mysql',
        AllocatedStorage: 20,
        MasterUsername: 'admin',
        MasterUserPassword: 'not-a-secret-1',
      }),
    );
    const dynamo = createDynamoClient(options());
    await ensureTable(dynamo, 'moto-cost-table');
    const records = new CostSavingRecords(createDocumentClient(dynamo), 'moto-cost-table');
    const saver = new AwsCostSaver({
      eks,
      rds,
      records,
      loadEnvironment: async () => environment,
      databaseIdentifier: async () => 'aws-1000tps-mojaloop',
    });
    const validator = new FastValidator({
      eks,
      rds,
      phaseStates: async () => [],
      databaseIdentifier: async () => 'aws-1000tps-mojaloop',
      costSavingOn: async (name) => (await records.get(name))?.mode === 'on',
    });
    const sizeOf = async (cluster: string) =>
      (
        await eks.send(
          new DescribeNodegroupCommand({ clusterName: cluster, nodegroupName: 'main' }),
        )
      ).nodegroup?.scalingConfig;
    const dbStatus = async () =>
      (
        await rds.send(
          new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'aws-1000tps-mojaloop' }),
        )
      ).DBInstances?.[0]?.DBInstanceStatus;

    expect((await validator.validate(environment)).ok).toBe(true);

    const on = await saver.apply('aws-1000tps', 'on');
    expect(on.filter((result) => result.outcome === 'failed')).toEqual([]);
    expect(await sizeOf('perf-k6')).toEqual({ minSize: 0, maxSize: 4, desiredSize: 0 });
    expect(await dbStatus()).toBe('stopped');
    expect(
      (await records.get('aws-1000tps'))?.nodegroups.map((group) => group.desiredSize),
    ).toEqual([3, 3]);
    expect((await validator.validate(environment)).ok).toBe(true);

    await saver.apply('aws-1000tps', 'on');
    expect(
      (await records.get('aws-1000tps'))?.nodegroups.map((group) => group.desiredSize),
    ).toEqual([3, 3]);

    const off = await saver.apply('aws-1000tps', 'off');
    expect(off.filter((result) => result.outcome === 'failed')).toEqual([]);
    expect(await sizeOf('perf-mojaloop')).toEqual({ minSize: 2, maxSize: 4, desiredSize: 3 });
    expect(await dbStatus()).toBe('available');
    expect((await validator.validate(environment)).ok).toBe(true);
  });
});

describe('moto: Scheduler', () => {
  it('accepts the cost-saving schedules', async () => {
    const scheduler = new SchedulerClient(options());
    const roleArn = await role('pp-moto-scheduler', 'scheduler.amazonaws.com');
    const schedules = costSavingSchedules(PREFIX, loadEnvironmentFile('aws-1000tps'));
    for (const schedule of schedules) {
      await scheduler.send(
        new CreateScheduleCommand({
          Name: schedule.name,
          ScheduleExpression: schedule.expression,
          ScheduleExpressionTimezone: schedule.timezone,
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: {
            Arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${PREFIX}-cost-saving`,
            RoleArn: roleArn,
            Input: JSON.stringify(schedule.input),
          },
        }),
      );
    }
    const stop = await scheduler.send(
      new GetScheduleCommand({ Name: `${PREFIX}-aws-1000tps-cost-saving-on` }),
    );
    expect(stop.ScheduleExpression).toBe('cron(0 20 ? * MON-FRI *)');
    expect(stop.ScheduleExpressionTimezone).toBe('Europe/London');
    expect(JSON.parse(stop.Target?.Input ?? '{}')).toEqual({
      environment: 'aws-1000tps',
      action: 'on',
      source: 'schedule',
    });
  });
});

describe('moto: CloudWatch Logs', () => {
  it('reads a build log for the run window', async () => {
    const logs = new CloudWatchLogsClient(options());
    const group = buildLogGroup(PREFIX, '02-infrastructure');
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(
      new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'build-uuid-1' }),
    );
    const start = Date.parse('2026-12-04T10:00:00Z');
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 'build-uuid-1',
        logEvents: [
          { timestamp: start + 1000, message: 'terraform apply' },
          { timestamp: start + 2000, message: 'Apply complete!' },
          { timestamp: start + 7_200_000, message: 'after the run' },
        ],
      }),
    );
    const reader = new AwsRunLogReader({
      prefix: PREFIX,
      logs,
      sfn: new SFNClient(options()),
      store: {
        getRun: async () => ({
          runId: 'run-1',
          environment: 'aws-1000tps',
          status: 'failed',
          phases: ['02-infrastructure'],
          interactive: false,
          createdAt: '2026-12-04T10:00:00.000Z',
          updatedAt: '2026-12-04T10:30:00.000Z',
          startedAt: '2026-12-04T10:00:00.000Z',
          endedAt: '2026-12-04T10:30:00.000Z',
        }),
        listEvents: async () => [
          {
            runId: 'run-1',
            type: 'build-started',
            phase: '02-infrastructure',
            message: 'build',
            data: { buildId: `${PREFIX}-02-infrastructure:build-uuid-1` },
            at: '2026-12-04T10:00:01.000Z',
            id: '1',
          },
        ],
      },
    });
    const [log] = await reader.readRunLogs('run-1');
    expect(log?.name).toBe('02-infrastructure.build-uuid-1.log');
    expect(log?.text).toBe('terraform apply\nApply complete!\n');
  });
});

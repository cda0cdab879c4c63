import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  BatchGetBuildsCommand,
  CodeBuildClient,
  StartBuildCommand,
  StopBuildCommand,
} from '@aws-sdk/client-codebuild';
import {
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  EKSClient,
  ListNodegroupsCommand,
  UpdateNodegroupConfigCommand,
} from '@aws-sdk/client-eks';
import {
  DescribeDBInstancesCommand,
  RDSClient,
  StartDBInstanceCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { PhaseState, Run, RunEvent } from '@perfplane/store';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { TaskTokenApprovals } from '../src/adapters/approvals.js';
import { CodeBuildController, startTestRunCleanup } from '../src/adapters/builds.js';
import { FastValidator } from '../src/adapters/checks.js';
import { AwsCostSaver, type CostSavingRecord } from '../src/adapters/cost-saver.js';
import { AwsRunLogReader, MAX_SOURCE_BYTES } from '../src/adapters/logs.js';
import { StepFunctionsOrchestrator } from '../src/adapters/orchestrator.js';
import { loadEnvironmentFile } from './fixtures.js';

const sfn = mockClient(SFNClient);
const codebuild = mockClient(CodeBuildClient);
const logs = mockClient(CloudWatchLogsClient);
const eks = mockClient(EKSClient);
const rds = mockClient(RDSClient);

const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:pp-test-run';
const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:pp-test-run:run-1';

beforeEach(() => {
  for (const mock of [sfn, codebuild, logs, eks, rds]) {
    mock.reset();
  }
});

function makeRun(overrides: Partial<Run> = {}): Run {
  return {
    runId: 'run-1',
    environment: 'aws-1000tps',
    status: 'running',
    phases: ['01-prerequisites', '07-performance-tests'],
    interactive: false,
    createdAt: '2026-12-04T10:00:00.000Z',
    updatedAt: '2026-12-04T10:00:00.000Z',
    startedAt: '2026-12-04T10:00:01.000Z',
    executionArn: EXECUTION,
    ...overrides,
  };
}

function makeEvent(overrides: Partial<RunEvent> = {}): RunEvent {
  return {
    runId: 'run-1',
    type: 'build-started',
    phase: '07-performance-tests',
    message: 'build started',
    data: { buildId: 'pp-test-07-performance-tests:1111-2222' },
    at: '2026-12-04T10:05:00.000Z',
    id: 'EVENT#1',
    ...overrides,
  };
}

describe('StepFunctionsOrchestrator', () => {
  const orchestrator = () => new StepFunctionsOrchestrator(new SFNClient({}), () => MACHINE);
  const input = { runId: 'run-1', environment: 'aws-1000tps', phases: [], interactive: false };

  it('starts an execution named after the run', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
    expect(await orchestrator().start('run', input)).toBe(EXECUTION);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: MACHINE,
      name: 'run-1',
      input: JSON.stringify(input),
    });
  });

  it('stops a running execution', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    await orchestrator().stop(EXECUTION, 'emergency stop');
    expect(sfn).toHaveReceivedCommandWith(StopExecutionCommand, {
      executionArn: EXECUTION,
      error: 'RunStopped',
      cause: 'emergency stop',
    });
  });

  it('leaves an ended execution alone', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'ABORTED' });
    await orchestrator().stop(EXECUTION, 'again');
    expect(sfn).not.toHaveReceivedCommand(StopExecutionCommand);
  });

  it('maps a missing execution to UNKNOWN', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'nope', $metadata: {} }));
    expect(await orchestrator().status(EXECUTION)).toBe('UNKNOWN');
  });

  it('maps TIMED_OUT to FAILED', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'TIMED_OUT' });
    expect(await orchestrator().status(EXECUTION)).toBe('FAILED');
  });
});

describe('CodeBuildController', () => {
  it('stops a build in progress', async () => {
    codebuild
      .on(BatchGetBuildsCommand)
      .resolves({ builds: [{ id: 'p:1', buildStatus: 'IN_PROGRESS' }] });
    await new CodeBuildController(new CodeBuildClient({})).stop('p:1');
    expect(codebuild).toHaveReceivedCommandWith(BatchGetBuildsCommand, { ids: ['p:1'] });
    expect(codebuild).toHaveReceivedCommandWith(StopBuildCommand, { id: 'p:1' });
  });

  it('skips a finished build', async () => {
    codebuild
      .on(BatchGetBuildsCommand)
      .resolves({ builds: [{ id: 'p:1', buildStatus: 'STOPPED' }] });
    await new CodeBuildController(new CodeBuildClient({})).stop('p:1');
    expect(codebuild).not.toHaveReceivedCommand(StopBuildCommand);
  });
});

describe('startTestRunCleanup', () => {
  it('starts the cleanup job', async () => {
    codebuild.on(StartBuildCommand).resolves({ build: { id: 'pp-test-07-performance-tests:9' } });
    const id = await startTestRunCleanup(new CodeBuildClient({}), {
      prefix: 'pp-test',
      runId: 'run-1',
      environment: 'aws-1000tps',
      k6Cluster: 'perf-k6',
    });
    expect(id).toBe('pp-test-07-performance-tests:9');
    const input = codebuild.commandCalls(StartBuildCommand)[0]?.args[0].input;
    expect(input?.projectName).toBe('pp-test-07-performance-tests');
    expect(input?.buildspecOverride).toContain('aws eks update-kubeconfig --name perf-k6');
    expect(input?.buildspecOverride).toContain('kubectl delete testruns.k6.io');
    expect(input?.environmentVariablesOverride).toContainEqual({
      name: 'PERFPLANE_RUN_ID',
      value: 'run-1',
      type: 'PLAINTEXT',
    });
  });

  it('rejects a run id unfit for a label', async () => {
    await expect(
      startTestRunCleanup(new CodeBuildClient({}), {
        prefix: 'p',
        runId: 'a b;rm',
        environment: 'e',
        k6Cluster: 'k',
      }),
    ).rejects.toThrow(/not a valid label value/);
    expect(codebuild).not.toHaveReceivedCommand(StartBuildCommand);
  });
});

describe('AwsRunLogReader', () => {
  const reader = (run: Run, events: RunEvent[]) =>
    new AwsRunLogReader({
      prefix: 'pp-test',
      store: { getRun: async () => run, listEvents: async () => events },
      logs: new CloudWatchLogsClient({}),
      sfn: new SFNClient({}),
      artifacts: {
        list: async () => [{ key: 'outputs/aws-1000tps/04-mojaloop/troubleshoot.txt', size: 5 }],
        getObjectText: async () => 'pods: CrashLoopBackOff',
      },
    });

  it('reads logs, history and troubleshoot output', async () => {
    logs.on(FilterLogEventsCommand).resolves({ events: [{ message: 'terraform apply' }] });
    sfn
      .on(GetExecutionHistoryCommand)
      .resolves({ events: [{ id: 1, type: 'ExecutionStarted', timestamp: new Date(0) }] });
    const run = makeRun({ endedAt: '2026-12-04T11:00:00.000Z' });
    const texts = await reader(run, [
      makeEvent(),
      makeEvent({ type: 'phase-started', data: {} }),
    ]).readRunLogs('run-1');
    expect(texts.map((text) => text.name)).toEqual([
      '07-performance-tests.1111-2222.log',
      'execution-history.ndjson',
      'outputs_aws-1000tps_04-mojaloop_troubleshoot.txt',
    ]);
    expect(texts[0]?.text).toBe('terraform apply\n');
    expect(logs).toHaveReceivedCommandWith(FilterLogEventsCommand, {
      logGroupName: '/perfplane/pp-test/codebuild/07-performance-tests',
      logStreamNames: ['1111-2222'],
      startTime: Date.parse('2026-12-04T10:00:01.000Z'),
      endTime: Date.parse('2026-12-04T11:00:00.000Z'),
    });
    expect(sfn).toHaveReceivedCommandWith(GetExecutionHistoryCommand, {
      executionArn: EXECUTION,
      maxResults: 1000,
    });
  });

  it('caps a noisy log', async () => {
    const line = 'x'.repeat(1000);
    logs.on(FilterLogEventsCommand).resolves({
      events: Array.from({ length: 200 }, () => ({ message: line })),
      nextToken: 'more',
    });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    const [log] = await reader(makeRun(), [makeEvent()]).readRunLogs('run-1');
    expect(Buffer.byteLength(log?.text ?? '')).toBeLessThan(MAX_SOURCE_BYTES + 200);
    expect(log?.text).toMatch(/\[cut at 1048576 bytes/);
    expect(logs.commandCalls(FilterLogEventsCommand).length).toBeLessThanOrEqual(50);
  });
});

describe('AwsCostSaver', () => {
  const environment = loadEnvironmentFile('aws-1000tps');
  function makeSaver(initial?: CostSavingRecord) {
    const saved: { record?: CostSavingRecord } = { record: initial };
    const saver = new AwsCostSaver({
      eks: new EKSClient({}),
      rds: new RDSClient({}),
      records: {
        get: async () => saved.record,
        put: async (record: CostSavingRecord) => {
          saved.record = record;
        },
      } as never,
      loadEnvironment: async () => environment,
      databaseIdentifier: async () => 'aws-1000tps-mojaloop',
      now: () => new Date('2026-12-04T20:00:00Z'),
    });
    return { saver, saved };
  }

  function stubClusters(desiredSize: number) {
    eks
      .on(ListNodegroupsCommand, { clusterName: 'perf-mojaloop' })
      .resolves({ nodegroups: ['switch'] });
    eks.on(ListNodegroupsCommand, { clusterName: 'perf-k6' }).resolves({ nodegroups: ['runners'] });
    eks.on(DescribeNodegroupCommand).resolves({
      nodegroup: {
        scalingConfig: { minSize: 3, maxSize: 4, desiredSize },
        subnets: ['subnet-b', 'subnet-a'],
      },
    });
  }

  it('scales to zero and stops the database', async () => {
    stubClusters(3);
    rds
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [{ DBInstanceStatus: 'available' }] });
    const { saver, saved } = makeSaver();
    const results = await saver.apply('aws-1000tps', 'on');
    expect(results.every((result) => result.outcome === 'done')).toBe(true);
    expect(eks).toHaveReceivedCommandWith(UpdateNodegroupConfigCommand, {
      clusterName: 'perf-mojaloop',
      nodegroupName: 'switch',
      scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 4 },
    });
    expect(eks).toHaveReceivedCommandTimes(UpdateNodegroupConfigCommand, 2);
    expect(rds).toHaveReceivedCommandWith(StopDBInstanceCommand, {
      DBInstanceIdentifier: 'aws-1000tps-mojaloop',
    });
    expect(saved.record?.mode).toBe('on');
    expect(saved.record?.nodegroups[0]).toMatchObject({
      desiredSize: 3,
      minSize: 3,
      subnets: ['subnet-a', 'subnet-b'],
    });
  });

  it('keeps sizes from an earlier on', async () => {
    stubClusters(0);
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: 'stopped' }] });
    const previous: CostSavingRecord = {
      environment: 'aws-1000tps',
      mode: 'on',
      changedAt: 'x',
      nodegroups: [
        {
          cluster: 'perf-mojaloop',
          nodegroup: 'switch',
          phase: '02-infrastructure',
          minSize: 3,
          maxSize: 4,
          desiredSize: 3,
          subnets: ['subnet-a', 'subnet-b'],
        },
      ],
    };
    const { saver, saved } = makeSaver(previous);
    await saver.apply('aws-1000tps', 'on');
    expect(
      saved.record?.nodegroups.find((group) => group.nodegroup === 'switch')?.desiredSize,
    ).toBe(3);
    expect(rds).not.toHaveReceivedCommand(StopDBInstanceCommand);
  });

  it('restores database first, then sizes', async () => {
    stubClusters(0);
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: 'stopped' }] });
    const record: CostSavingRecord = {
      environment: 'aws-1000tps',
      mode: 'on',
      changedAt: 'x',
      nodegroups: [
        {
          cluster: 'perf-mojaloop',
          nodegroup: 'switch',
          phase: '02-infrastructure',
          minSize: 3,
          maxSize: 4,
          desiredSize: 3,
          subnets: ['subnet-a', 'subnet-b'],
        },
      ],
      database: { identifier: 'aws-1000tps-mojaloop', stoppedByCostSaving: true },
    };
    const { saver, saved } = makeSaver(record);
    await saver.apply('aws-1000tps', 'off');
    expect(rds).toHaveReceivedCommandWith(StartDBInstanceCommand, {
      DBInstanceIdentifier: 'aws-1000tps-mojaloop',
    });
    expect(eks).toHaveReceivedCommandWith(UpdateNodegroupConfigCommand, {
      clusterName: 'perf-mojaloop',
      nodegroupName: 'switch',
      scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 4 },
    });
    expect(saved.record?.mode).toBe('off');
  });

  it('refuses to scale up in other subnets', async () => {
    eks.on(DescribeNodegroupCommand).resolves({ nodegroup: { subnets: ['subnet-z'] } });
    rds
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [{ DBInstanceStatus: 'available' }] });
    const { saver } = makeSaver({
      environment: 'aws-1000tps',
      mode: 'on',
      changedAt: 'x',
      nodegroups: [
        {
          cluster: 'perf-k6',
          nodegroup: 'runners',
          phase: '05-k6-infrastructure',
          minSize: 1,
          maxSize: 4,
          desiredSize: 4,
          subnets: ['subnet-a'],
        },
      ],
    });
    const [result] = await saver.apply('aws-1000tps', 'off');
    expect(result?.outcome).toBe('failed');
    expect(result?.message).toMatch(/subnets changed/);
    expect(eks).not.toHaveReceivedCommand(UpdateNodegroupConfigCommand);
  });

  it('re-stops a restarted database', async () => {
    rds
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [{ DBInstanceStatus: 'available' }] });
    const { saver } = makeSaver({
      environment: 'aws-1000tps',
      mode: 'on',
      changedAt: 'x',
      nodegroups: [],
      database: { identifier: 'aws-1000tps-mojaloop', stoppedByCostSaving: true },
    });
    await saver.restopDatabase('aws-1000tps');
    expect(rds).toHaveReceivedCommandWith(StopDBInstanceCommand, {
      DBInstanceIdentifier: 'aws-1000tps-mojaloop',
    });
  });

  it('leaves the database when the mode is off', async () => {
    const { saver } = makeSaver(undefined);
    expect(await saver.restopDatabase('aws-1000tps')).toEqual([]);
    expect(rds).not.toHaveReceivedCommand(DescribeDBInstancesCommand);
  });
});

describe('FastValidator', () => {
  const environment = loadEnvironmentFile('aws-1000tps');
  const completed: PhaseState = {
    environment: 'aws-1000tps',
    phaseId: '02-infrastructure',
    status: 'completed',
    percent: 100,
    attempt: 1,
    outputs: { rds_instance_id: 'db-1', vpc_id: 'vpc-1' },
    fence: 1,
  };
  const validator = (costSaving = false) =>
    new FastValidator({
      eks: new EKSClient({}),
      rds: new RDSClient({}),
      databaseIdentifier: async () => 'db-1',
      phaseStates: async () => [completed],
      costSavingOn: async () => costSaving,
    });

  it('passes a healthy environment', async () => {
    eks.on(DescribeClusterCommand).resolves({ cluster: { status: 'ACTIVE' } });
    eks.on(ListNodegroupsCommand).resolves({ nodegroups: ['ng'] });
    eks
      .on(DescribeNodegroupCommand)
      .resolves({ nodegroup: { status: 'ACTIVE', scalingConfig: { desiredSize: 2 } } });
    rds
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [{ DBInstanceStatus: 'available' }] });
    const result = await validator().validate(environment);
    expect(result.ok).toBe(true);
    expect(result.checks.map((check) => check.name)).toEqual([
      'cluster perf-mojaloop',
      'node group perf-mojaloop/ng',
      'cluster perf-k6',
      'node group perf-k6/ng',
      'database db-1',
      'outputs of 02-infrastructure',
    ]);
    expect(eks).toHaveReceivedCommandWith(DescribeClusterCommand, { name: 'perf-mojaloop' });
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, {
      DBInstanceIdentifier: 'db-1',
    });
  });

  it('expects zero nodes in cost-saving mode', async () => {
    eks.on(DescribeClusterCommand).resolves({ cluster: { status: 'ACTIVE' } });
    eks.on(ListNodegroupsCommand).resolves({ nodegroups: ['ng'] });
    eks
      .on(DescribeNodegroupCommand)
      .resolves({ nodegroup: { status: 'ACTIVE', scalingConfig: { desiredSize: 2 } } });
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: 'stopped' }] });
    const result = await validator(true).validate(environment);
    expect(result.ok).toBe(false);
    expect(result.checks.find((check) => check.name === 'database db-1')?.ok).toBe(true);
  });

  it('reports a missing cluster', async () => {
    eks
      .on(DescribeClusterCommand)
      .rejects(Object.assign(new Error('No cluster found'), { name: 'ResourceNotFoundException' }));
    rds
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [{ DBInstanceStatus: 'available' }] });
    const result = await validator().validate(environment);
    expect(result.ok).toBe(false);
    expect(result.checks[0]).toEqual({
      name: 'cluster perf-mojaloop',
      ok: false,
      message: 'ResourceNotFoundException: No cluster found',
    });
  });
});

describe('TaskTokenApprovals', () => {
  function makeApprovals() {
    const events: RunEvent[] = [];
    const store = {
      appendEvent: async (runId: string, event: Omit<RunEvent, 'runId' | 'at' | 'id'>) => {
        const stored = {
          ...event,
          runId,
          at: new Date().toISOString(),
          id: String(events.length),
        } as RunEvent;
        events.push(stored);
        return stored;
      },
      listEvents: async () => events,
    };
    return { approvals: new TaskTokenApprovals(store as never, new SFNClient({})), events };
  }
  const request = {
    step: 'requestApproval' as const,
    runId: 'run-1',
    environment: 'aws-1000tps',
    phase: '04-mojaloop',
    action: 'deploy',
    taskToken: 'token-abc',
  };

  it('stores the token and returns', async () => {
    const { approvals, events } = makeApprovals();
    expect(await approvals.request(request)).toEqual({ waiting: true });
    expect(events[0]).toMatchObject({
      type: 'approval-requested',
      phase: '04-mojaloop',
      data: { action: 'deploy', taskToken: 'token-abc' },
    });
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('resumes an approved task', async () => {
    const { approvals } = makeApprovals();
    await approvals.request(request);
    await approvals.answer('run-1', { phase: '04-mojaloop', action: 'deploy', approved: true });
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: 'token-abc',
      output: '{"approved":true}',
    });
  });

  it('fails a rejected task as a stop', async () => {
    const { approvals } = makeApprovals();
    await approvals.request(request);
    await approvals.answer('run-1', { phase: '04-mojaloop', action: 'deploy', approved: false });
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: 'token-abc',
      error: 'RunStopped',
    });
  });

  it('rejects an answer nobody waits for', async () => {
    const { approvals } = makeApprovals();
    await expect(
      approvals.answer('run-1', { phase: '04-mojaloop', action: 'rollback', approved: true }),
    ).rejects.toMatchObject({ code: 'Conflict' });
    expect(sfn).not.toHaveReceivedAnyCommand();
  });
});

import { CodeBuildClient, StartBuildCommand } from '@aws-sdk/client-codebuild';
import { PerfplaneError } from '@perfplane/core';
import { Store } from '@perfplane/store';
import { dynaliteClient, type LocalServer, startDynalite } from '@perfplane/store/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTestRunCleanup } from '../src/adapters/builds.js';
import { createCostSavingHandler } from '../src/handlers/cost-saving.js';
import { createEmergencyStopHandler, type StopResult } from '../src/handlers/emergency-stop.js';
import { createLockReaperHandler } from '../src/handlers/lock-reaper.js';
import { createStepsHandler } from '../src/handlers/steps.js';
import { createSupportBundleHandler } from '../src/handlers/support-bundle.js';
import { createValidateHandler } from '../src/handlers/validate.js';
import { loadEnvironmentFile } from './fixtures.js';
import { makeContext, makeLogger } from './helpers.js';

const ENVIRONMENTS = ['aws-1000tps'];
const codebuild = mockClient(CodeBuildClient);
let dynamo: LocalServer;
let store: Store;
let tableCount = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.close();
});

beforeEach(async () => {
  codebuild.reset();
  tableCount += 1;
  const tableName = `handlers-${tableCount}`;
  const { ensureTable } = await import('@perfplane/store');
  const client = dynaliteClient(dynamo.endpoint);
  await ensureTable(client, tableName);
  store = new Store({ client, tableName });
});

function request(body: Record<string, unknown> = {}, environment = 'aws-1000tps') {
  return { environment, body, source: 'api' as const };
}

describe('emergency stop handler', () => {
  function makeHandler(result: StopResult, phases = ['07-performance-tests' as const]) {
    const log = makeLogger();
    const stop = vi.fn(async () => result);
    const handler = createEmergencyStopHandler({
      logger: log.logger,
      environments: ENVIRONMENTS,
      stop,
      phasesOf: async () => [...phases],
      deleteTestRuns: (environment, runId) =>
        startTestRunCleanup(new CodeBuildClient({}), {
          prefix: 'pp-test',
          runId,
          environment,
          k6Cluster: 'perf-k6',
        }),
    });
    return { handler, stop, log };
  }

  it('deletes TestRuns after a stop', async () => {
    codebuild.on(StartBuildCommand).resolves({ build: { id: 'pp-test-07-performance-tests:1' } });
    const { handler } = makeHandler({
      stopped: true,
      runId: 'run-1',
      builds: ['b:1'],
      message: 'stopped',
    });
    const response = await handler(request(), makeContext());
    expect(response).toEqual({
      status: 200,
      body: {
        stopped: true,
        runId: 'run-1',
        builds: ['b:1'],
        message: 'stopped',
        testRunCleanupBuild: 'pp-test-07-performance-tests:1',
      },
    });
    expect(codebuild).toHaveReceivedCommandTimes(StartBuildCommand, 1);
  });

  it('skips TestRuns without load phases', async () => {
    const { handler } = makeHandler(
      { stopped: true, runId: 'run-1', builds: [], message: 'stopped' },
      ['01-prerequisites' as never],
    );
    await handler(request(), makeContext());
    expect(codebuild).not.toHaveReceivedCommand(StartBuildCommand);
  });

  it('does nothing the second time', async () => {
    const { handler } = makeHandler({ stopped: false, builds: [], message: 'no run in progress' });
    const response = await handler(request(), makeContext());
    expect(response.status).toBe(200);
    expect(codebuild).not.toHaveReceivedCommand(StartBuildCommand);
  });

  it('rejects an unknown environment', async () => {
    const { handler, stop, log } = makeHandler({ stopped: false, builds: [], message: '' });
    const response = await handler(request({}, 'elsewhere'), makeContext());
    expect(response.status).toBe(404);
    expect(stop).not.toHaveBeenCalled();
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('rejects unknown fields', async () => {
    const { handler, stop } = makeHandler({ stopped: false, builds: [], message: '' });
    const response = await handler(request({ force: true }), makeContext());
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toMatch(/force/);
    expect(stop).not.toHaveBeenCalled();
  });

  it('rejects a malformed envelope', async () => {
    const { handler, stop } = makeHandler({ stopped: false, builds: [], message: '' });
    const response = await handler({ environment: 'aws-1000tps' }, makeContext());
    expect(response.status).toBe(400);
    expect(stop).not.toHaveBeenCalled();
  });
});

describe('cost-saving handler', () => {
  function makeHandler() {
    const apply = vi.fn(async () => [
      { phase: '02-infrastructure' as const, outcome: 'done' as const, message: 'ok' },
    ]);
    const restopDatabase = vi.fn(async () => []);
    const validateLater = vi.fn(async () => undefined);
    const handler = createCostSavingHandler({
      logger: makeLogger().logger,
      environments: ENVIRONMENTS,
      getLock: (environment) => store.getLock(environment),
      apply,
      restopDatabase,
      validateLater,
    });
    return { handler, apply, restopDatabase, validateLater };
  }

  it('is rejected while a run holds the lock', async () => {
    await store.acquireLock({ environment: 'aws-1000tps', owner: 'run-9', leaseMs: 60_000 });
    const { handler, apply } = makeHandler();
    const response = await handler(request({ action: 'on' }), makeContext());
    expect(response.status).toBe(409);
    expect(JSON.stringify(response.body)).toMatch(/run-9 holds the lock/);
    expect(apply).not.toHaveBeenCalled();
  });

  it('turns on when the lock is free', async () => {
    const { handler, apply, validateLater } = makeHandler();
    const response = await handler(request({ action: 'on' }), makeContext());
    expect(response.status).toBe(200);
    expect(apply).toHaveBeenCalledWith('aws-1000tps', 'on');
    expect(validateLater).not.toHaveBeenCalled();
  });

  it('validates after turning off', async () => {
    const grant = await store.acquireLock({
      environment: 'aws-1000tps',
      owner: 'run-1',
      leaseMs: 60_000,
    });
    await store.releaseLock('aws-1000tps', 'run-1', grant.fence);
    const { handler, validateLater } = makeHandler();
    await handler(request({ action: 'off' }), makeContext());
    expect(validateLater).toHaveBeenCalledWith('aws-1000tps');
  });

  it('re-stops the database on schedule', async () => {
    const { handler, restopDatabase, apply } = makeHandler();
    await handler({ ...request({ action: 'restop-database' }), source: 'schedule' }, makeContext());
    expect(restopDatabase).toHaveBeenCalledWith('aws-1000tps');
    expect(apply).not.toHaveBeenCalled();
  });

  it('rejects a wrong action', async () => {
    const { handler, apply } = makeHandler();
    const response = await handler(request({ action: 'sleep' }), makeContext());
    expect(response.status).toBe(400);
    expect(apply).not.toHaveBeenCalled();
  });
});

describe('validate handler', () => {
  function makeHandler() {
    const startValidateBuilds = vi.fn(async () => ({ runId: 'validate-1' }));
    const handler = createValidateHandler({
      logger: makeLogger().logger,
      environments: ENVIRONMENTS,
      loadEnvironment: async () => loadEnvironmentFile('aws-1000tps'),
      validate: async () => ({
        environment: 'aws-1000tps',
        ok: true,
        costSaving: false,
        checks: [],
      }),
      startValidateBuilds,
    });
    return { handler, startValidateBuilds };
  }

  it('answers fast checks only', async () => {
    const { handler, startValidateBuilds } = makeHandler();
    const response = await handler(request({}), makeContext());
    expect(response).toEqual({
      status: 200,
      body: { environment: 'aws-1000tps', ok: true, costSaving: false, checks: [] },
    });
    expect(startValidateBuilds).not.toHaveBeenCalled();
  });

  it('starts builds when detailed', async () => {
    const { handler, startValidateBuilds } = makeHandler();
    const response = await handler(request({ detailed: true }), makeContext());
    expect(startValidateBuilds).toHaveBeenCalledWith('aws-1000tps');
    expect(response.body).toMatchObject({ validateRun: 'validate-1' });
  });

  it('passes lock conflicts as 409', async () => {
    const handler = createValidateHandler({
      logger: makeLogger().logger,
      environments: ENVIRONMENTS,
      loadEnvironment: async () => loadEnvironmentFile('aws-1000tps'),
      validate: async () => ({
        environment: 'aws-1000tps',
        ok: true,
        costSaving: false,
        checks: [],
      }),
      startValidateBuilds: async () => {
        throw new PerfplaneError('LockHeld', 'run r1 holds the lock');
      },
    });
    const response = await handler(request({ detailed: true }), makeContext());
    expect(response.status).toBe(409);
  });
});

describe('support bundle handler', () => {
  const bundle = {
    key: 'support-bundles/aws-1000tps/b.tar.gz',
    location: 's3://bucket/support-bundles/aws-1000tps/b.tar.gz',
    fileName: 'b.tar.gz',
    bytes: 10,
    files: 3,
    redactions: [],
  };

  it('returns a presigned link', async () => {
    const presign = vi.fn(async () => 'https://bucket.s3.amazonaws.com/x?sig');
    const handler = createSupportBundleHandler({
      logger: makeLogger().logger,
      environments: ENVIRONMENTS,
      build: async () => bundle,
      presign,
    });
    const response = await handler(request({ name: 'incident-42' }), makeContext());
    expect(response.body).toMatchObject({
      url: 'https://bucket.s3.amazonaws.com/x?sig',
      urlExpiresInSeconds: 3600,
    });
    expect(presign).toHaveBeenCalledWith(bundle.key, 3600, 'incident-42.tar.gz');
  });

  it('rejects traversal in the name', async () => {
    const build = vi.fn(async () => bundle);
    const handler = createSupportBundleHandler({
      logger: makeLogger().logger,
      environments: ENVIRONMENTS,
      build,
      presign: async () => '',
    });
    for (const name of ['../x', 'a/b', '..', '.hidden', 'a\\b']) {
      const response = await handler(request({ name }), makeContext());
      expect(response.status).toBe(400);
    }
    expect(build).not.toHaveBeenCalled();
  });
});

describe('lock reaper', () => {
  function makeReaper(status: 'RUNNING' | 'ABORTED' | 'SUCCEEDED') {
    const finishRun = vi.fn(async (runId: string) => {
      await store.updateRun(runId, { status: 'stopped', endedAt: new Date().toISOString() });
    });
    const handler = createLockReaperHandler({
      logger: makeLogger().logger,
      environments: ENVIRONMENTS,
      getLock: (environment) => store.getLock(environment),
      getRun: (runId) => store.getRun(runId),
      executionStatus: async () => status,
      finishRun,
      releaseLock: (environment, owner, fence) => store.releaseLock(environment, owner, fence),
    });
    return { handler, finishRun };
  }

  async function heldByRun() {
    const run = await store.createRun({
      environment: 'aws-1000tps',
      phases: ['01-prerequisites'],
      executionArn: 'arn:x',
    });
    await store.updateRun(run.runId, { status: 'running' });
    await store.acquireLock({ environment: 'aws-1000tps', owner: run.runId, leaseMs: 60_000 });
    return run;
  }

  it('releases a lock of an aborted execution', async () => {
    const run = await heldByRun();
    const { handler, finishRun } = makeReaper('ABORTED');
    const results = await handler({}, makeContext());
    expect(results).toEqual([
      {
        environment: 'aws-1000tps',
        outcome: 'released',
        owner: run.runId,
        reason: 'execution ABORTED',
      },
    ]);
    expect(finishRun).toHaveBeenCalledWith(run.runId, {
      ok: false,
      error: { Error: 'RunStopped', Cause: 'execution ABORTED' },
    });
    expect((await store.getLock('aws-1000tps'))?.owner).toBeUndefined();
  });

  it('keeps a lock of a running execution', async () => {
    const run = await heldByRun();
    const { handler, finishRun } = makeReaper('RUNNING');
    const results = await handler({}, makeContext());
    expect(results[0]?.outcome).toBe('kept');
    expect(finishRun).not.toHaveBeenCalled();
    expect((await store.getLock('aws-1000tps'))?.owner).toBe(run.runId);
  });

  it('reports a free lock', async () => {
    const { handler } = makeReaper('RUNNING');
    expect(await handler({}, makeContext())).toEqual([
      { environment: 'aws-1000tps', outcome: 'free' },
    ]);
  });
});

describe('steps handler', () => {
  it('passes the result through', async () => {
    const handleStep = vi.fn(async () => ({ fence: 3 }));
    const handler = createStepsHandler({ logger: makeLogger().logger, handleStep });
    const input = { step: 'acquireLock', runId: 'run-1', environment: 'aws-1000tps', extra: 1 };
    expect(await handler(input, makeContext())).toEqual({ fence: 3 });
    expect(handleStep).toHaveBeenCalledWith(input);
  });

  it('keeps the error code as its name', async () => {
    const handler = createStepsHandler({
      logger: makeLogger().logger,
      handleStep: async () => {
        throw new PerfplaneError('LockHeld', 'held by run-2');
      },
    });
    await expect(
      handler({ step: 'acquireLock', runId: 'r', environment: 'aws-1000tps' }, makeContext()),
    ).rejects.toMatchObject({
      name: 'LockHeld',
    });
  });

  it('rejects a payload without a run', async () => {
    const handleStep = vi.fn();
    const handler = createStepsHandler({ logger: makeLogger().logger, handleStep });
    await expect(handler({ step: 'gate' }, makeContext())).rejects.toMatchObject({
      name: 'InvalidArgument',
    });
    expect(handleStep).not.toHaveBeenCalled();
  });
});

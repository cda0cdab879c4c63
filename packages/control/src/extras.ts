import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { assertEnvironmentFree, LOCK_LEASE_MS } from './context.js';
import type { ControlDeps } from './ports.js';

/**
 * Turns cost-saving mode on or off by running each phase's
 * `scripts/cost-saving.sh`; the scripts decide what to scale down. It holds
 * the environment lock meanwhile, under an id of its own, and records
 * events under that id. Data is kept unless `retainData` is false.
 */
export async function costSaving(
  deps: ControlDeps,
  environment: string,
  request: { action: 'on' | 'off'; retainData?: boolean },
) {
  const env = await deps.loadEnvironment(environment);
  const retainData = request.retainData ?? true;
  await assertEnvironmentFree(deps.store, env.name);
  const operationId = newCostSavingId(deps.now?.());
  const grant = await deps.store.acquireLock({
    environment: env.name,
    owner: operationId,
    leaseMs: LOCK_LEASE_MS,
  });
  const type = request.action === 'on' ? 'cost-saving-on' : 'cost-saving-off';
  try {
    await deps.store.appendEvent(operationId, {
      type,
      message: `cost saving ${request.action} started in "${env.name}" (${retainData ? 'data kept' : 'data purged'})`,
      data: { environment: env.name, retainData, stage: 'started' },
    });
    const results = await deps.costSaver.apply(env.name, request.action, retainData);
    const failed = results
      .filter((entry) => entry.outcome === 'failed')
      .map((entry) => entry.phase);
    await deps.store.appendEvent(operationId, {
      type,
      message: failed.length
        ? `cost saving ${request.action} failed in ${failed.join(', ')}`
        : `cost saving ${request.action} finished for ${results.length} phase(s)`,
      data: { environment: env.name, retainData, stage: 'finished', results },
    });
    return { environment: env.name, action: request.action, retainData, operationId, results };
  } finally {
    await deps.store.releaseLock(env.name, operationId, grant.fence);
  }
}

function newCostSavingId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${stamp}-cost-saving-${randomUUID().slice(0, 8)}`;
}

/**
 * Returns the location of the environment's latest report: the newest object
 * under reports/<env>/, else the folder the analysis phase recorded in its
 * `report_dir` output, else a message that there is none yet.
 */
export async function report(deps: ControlDeps, environment: string) {
  const env = await deps.loadEnvironment(environment);
  const keys = (await deps.artifacts.list(`reports/${env.name}/`)).map((entry) => entry.key).sort();
  const latest = keys.at(-1);
  if (latest) {
    return {
      environment: env.name,
      status: 'ready' as const,
      key: latest,
      location: `s3://${deps.artifacts.bucket}/${latest}`,
    };
  }
  const analysis = await deps.store.getPhaseState(env.name, '08-analysis');
  const folder = analysis.outputs.report_dir;
  if (analysis.status === 'completed' && folder) {
    return {
      environment: env.name,
      status: 'ready' as const,
      location: folder,
      files: {
        result: path.posix.join(folder, 'result.json'),
        summary: path.posix.join(folder, 'summary.md'),
        html: path.posix.join(folder, 'report.html'),
      },
    };
  }
  return {
    environment: env.name,
    status: 'none' as const,
    message: `no report yet for "${env.name}"; run \`perfplane deploy 08-analysis\` to produce one`,
  };
}

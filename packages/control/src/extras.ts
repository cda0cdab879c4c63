import path from 'node:path';
import type { ControlDeps } from './ports.js';

/**
 * Turns cost-saving mode on or off by running each phase's
 * `scripts/cost-saving.sh`; the scripts decide what to scale down.
 */
export async function costSaving(
  deps: ControlDeps,
  environment: string,
  request: { action: 'on' | 'off'; retainData?: boolean },
) {
  const env = await deps.loadEnvironment(environment);
  const results = await deps.costSaver.apply(env.name, request.action, request.retainData ?? true);
  return { environment: env.name, action: request.action, results };
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

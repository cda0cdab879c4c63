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

/** Returns the location of the environment's latest report, or a message that there is none yet. */
export async function report(deps: ControlDeps, environment: string) {
  const env = await deps.loadEnvironment(environment);
  const keys = (await deps.artifacts.list(`reports/${env.name}/`)).map((entry) => entry.key).sort();
  const latest = keys.at(-1);
  if (!latest) {
    return {
      environment: env.name,
      status: 'none' as const,
      message: `no report yet for "${env.name}"; run \`perfplane deploy 08-analysis\` to produce one`,
    };
  }
  return {
    environment: env.name,
    status: 'ready' as const,
    key: latest,
    location: `s3://${deps.artifacts.bucket}/${latest}`,
  };
}

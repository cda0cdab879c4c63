import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { create } from 'tar';
import { nowIso } from './context.js';
import type { ControlDeps } from './ports.js';
import { type RedactionCount, redact } from './redact.js';

/** Largest share of one log kept in a bundle, in bytes; the tail is kept. */
export const MAX_LOG_BYTES = 2 * 1024 * 1024;
/** Largest total of logs in a bundle, in bytes; logs past it are listed as omitted. */
export const MAX_BUNDLE_LOG_BYTES = 50 * 1024 * 1024;
/** Runs of the environment included, newest first. */
const RUNS_IN_BUNDLE = 10;

export interface SupportBundle {
  key: string;
  location: string;
  /** Copy on this machine, when the runtime keeps one. */
  localPath?: string;
  fileName: string;
  bytes: number;
  files: number;
  redactions: { file: string; counts: RedactionCount[] }[];
  /** Logs left out because the bundle reached its size cap. */
  omitted: string[];
}

function tail(text: string): string {
  if (Buffer.byteLength(text) <= MAX_LOG_BYTES) {
    return text;
  }
  return `[truncated to the last ${MAX_LOG_BYTES} bytes]\n${text.slice(-MAX_LOG_BYTES)}`;
}

/**
 * Builds a tar.gz of the environment's recent runs, events, phase states
 * and logs with secrets redacted, plus a manifest of the redactions, and
 * stores it under support-bundles/<env>/.
 */
export async function buildSupportBundle(
  deps: ControlDeps,
  environment: string,
): Promise<SupportBundle> {
  const env = await deps.loadEnvironment(environment);
  const stamp = nowIso(deps).replace(/[:.]/g, '-');
  const fileName = `perfplane-support-${env.name}-${stamp}.tar.gz`;
  const work = await mkdtemp(path.join(tmpdir(), 'perfplane-bundle-'));
  try {
    const root = path.join(work, 'bundle');
    const redactions: SupportBundle['redactions'] = [];
    const omitted: string[] = [];
    let files = 0;
    let logBytes = 0;
    const add = async (name: string, text: string) => {
      const clean = redact(text);
      if (clean.counts.length > 0) {
        redactions.push({ file: name, counts: clean.counts });
      }
      const target = path.join(root, name);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, clean.text);
      files += 1;
    };

    await add('phases.json', JSON.stringify(await deps.store.getPhaseStates(env.name), null, 2));
    for (const run of await deps.store.listRuns(env.name, RUNS_IN_BUNDLE)) {
      await add(`runs/${run.runId}/run.json`, JSON.stringify(run, null, 2));
      const events = await deps.store.listEvents(run.runId);
      await add(`runs/${run.runId}/events.json`, JSON.stringify(events, null, 2));
      for (const log of await deps.logs.readRunLogs(run.runId)) {
        const name = `runs/${run.runId}/logs/${path.basename(log.name)}`;
        const text = tail(log.text);
        logBytes += Buffer.byteLength(text);
        if (logBytes > MAX_BUNDLE_LOG_BYTES) {
          omitted.push(name);
          continue;
        }
        await add(name, text);
      }
    }
    const manifest = {
      environment: env.name,
      createdAt: nowIso(deps),
      files,
      redactions,
      omitted,
    };
    await writeFile(path.join(root, 'manifest.json'), JSON.stringify(manifest, null, 2));

    const archive = path.join(work, fileName);
    await create({ gzip: true, cwd: work, file: archive, portable: true }, ['bundle']);
    const body = await readFile(archive);
    const key = `support-bundles/${env.name}/${fileName}`;
    await deps.artifacts.putObject(key, body, { contentType: 'application/gzip' });
    let localPath: string | undefined;
    if (deps.bundleDir) {
      localPath = path.join(deps.bundleDir, fileName);
      await mkdir(deps.bundleDir, { recursive: true });
      await writeFile(localPath, body);
    }
    return {
      key,
      location: `s3://${deps.artifacts.bucket}/${key}`,
      localPath,
      fileName,
      bytes: body.length,
      files: files + 1,
      redactions,
      omitted,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

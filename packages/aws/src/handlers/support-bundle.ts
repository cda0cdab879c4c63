import type { Logger } from '@aws-lambda-powertools/logger';
import { supportBundleBody } from '../http/schemas.js';
import { operationHandler } from './operation.js';

export interface BuiltBundle {
  key: string;
  location: string;
  fileName: string;
  bytes: number;
  files: number;
  redactions: { file: string; counts: unknown[] }[];
}

export interface SupportBundleDependencies {
  logger: Logger;
  environments: readonly string[];
  /** The control plane's bundle builder: records, events, logs, redaction, manifest, upload. */
  build: (environment: string) => Promise<BuiltBundle>;
  /** Presigns a GET of `key`; `downloadName` sets the file name the browser saves. */
  presign: (key: string, expiresInSeconds: number, downloadName?: string) => Promise<string>;
  /** Lifetime of the download link, in seconds. */
  linkSeconds?: number;
}

/** Builds a support bundle and returns a presigned download link to it. */
export function createSupportBundleHandler(deps: SupportBundleDependencies) {
  const { logger } = deps;
  const linkSeconds = deps.linkSeconds ?? 3600;
  return operationHandler({
    name: 'support bundle',
    logger,
    body: supportBundleBody,
    environments: deps.environments,
    run: async (environment, body) => {
      const bundle = await deps.build(environment);
      const downloadName = body.name ? `${body.name.replace(/\.tar\.gz$/, '')}.tar.gz` : undefined;
      const url = await deps.presign(bundle.key, linkSeconds, downloadName);
      logger.info('support bundle stored', {
        event: 'bundle.done',
        key: bundle.key,
        bytes: bundle.bytes,
        redactedFiles: bundle.redactions.length,
      });
      return { status: 200, body: { ...bundle, url, urlExpiresInSeconds: linkSeconds } };
    },
  });
}

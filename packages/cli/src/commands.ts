import { createInterface } from 'node:readline/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ErrorCode, PerfplaneError } from '@perfplane/core';
import type { ApiClient } from './client.js';
import {
  type ProgressResponse,
  type RunResponse,
  type RunSummary,
  renderProgress,
  renderValidation,
} from './views.js';

const FINISHED = ['succeeded', 'failed', 'requirements-not-met', 'stopped', 'interrupted'];
const POLL_MS = 500;
/** Maximum wait for one run, in milliseconds. The catalog's slowest full runbook is under 24 hours, so 48 leaves room for retries. */
const MAX_WAIT_MS = 48 * 3600 * 1000;

const OUTCOME: Record<string, ErrorCode> = {
  failed: 'PhaseFailed',
  'requirements-not-met': 'RequirementsNotMet',
  stopped: 'RunStopped',
  interrupted: 'RunStopped',
};

function envPath(environment: string, suffix: string): string {
  return `/environments/${encodeURIComponent(environment)}${suffix}`;
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

async function getRun(client: ApiClient, runId: string): Promise<RunResponse> {
  return client.request<RunResponse>('GET', `/runs/${encodeURIComponent(runId)}`);
}

/** Prompts on the terminal for each approval the run waits for, and sends the reply to the API. */
async function answerApprovals(
  client: ApiClient,
  view: RunResponse,
  answered: Set<string>,
): Promise<void> {
  const pending = view.events.filter(
    (event) => event.type === 'approval-requested' && !answered.has(`${event.phase}@${event.at}`),
  );
  for (const request of pending) {
    answered.add(`${request.phase}@${request.at}`);
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await prompt.question(`Deploy ${request.phase}? [y/N] `);
    prompt.close();
    await client.request('POST', `/runs/${encodeURIComponent(view.run.runId)}/approvals`, {
      phase: request.phase,
      action: (request.data?.action as string) ?? 'deploy',
      approved: /^y(es)?$/i.test(answer.trim()),
    });
  }
}

/** Polls the run until it ends, prompting for approvals when `interactive` is set. */
async function waitForRun(
  client: ApiClient,
  runId: string,
  interactive = false,
): Promise<RunResponse> {
  const answered = new Set<string>();
  const deadline = Date.now() + MAX_WAIT_MS;
  while (Date.now() < deadline) {
    const view = await getRun(client, runId);
    if (FINISHED.includes(view.run.status)) {
      return view;
    }
    if (interactive) {
      await answerApprovals(client, view, answered);
    }
    await sleep(POLL_MS);
  }
  throw new PerfplaneError('RunStopped', `stopped waiting for run ${runId} after 48 hours`);
}

/** Raises the error of a run that did not succeed, naming the command that continues it. */
function failIfUnsuccessful(run: RunSummary): void {
  const code = OUTCOME[run.status];
  if (!code) {
    return;
  }
  const where = run.error?.message ?? run.status;
  const next =
    run.status === 'requirements-not-met'
      ? 'install what is missing, then run `perfplane resume`'
      : run.status === 'stopped'
        ? 'run `perfplane resume` to continue'
        : 'fix the cause (see `perfplane support-bundle` for logs), then run `perfplane resume`';
  throw new PerfplaneError(code, `run ${run.runId} ${run.status}: ${where}; ${next}`);
}

async function printProgress(client: ApiClient, environment: string): Promise<ProgressResponse> {
  const view = await client.request<ProgressResponse>('GET', envPath(environment, '/progress'));
  print(renderProgress(view));
  return view;
}

export async function deployCommand(
  client: ApiClient,
  environment: string,
  phases: string[] | undefined,
  interactive: boolean,
): Promise<void> {
  const run = await client.request<RunSummary>('POST', envPath(environment, '/runs'), {
    ...(phases ? { phases } : {}),
    interactive,
  });
  print(`started run ${run.runId}`);
  const ended = await waitForRun(client, run.runId, interactive);
  await printProgress(client, environment);
  failIfUnsuccessful(ended.run);
}

export async function resumeCommand(client: ApiClient, environment: string): Promise<void> {
  const run = await client.request<RunSummary>('POST', envPath(environment, '/resume'), {});
  print(`resumed run ${run.runId}`);
  const ended = await waitForRun(client, run.runId);
  await printProgress(client, environment);
  failIfUnsuccessful(ended.run);
}

export async function showProgressCommand(
  client: ApiClient,
  environment: string,
  watch: boolean,
): Promise<void> {
  let view = await printProgress(client, environment);
  const deadline = Date.now() + MAX_WAIT_MS;
  while (watch && view.run && !FINISHED.includes(view.run.status) && Date.now() < deadline) {
    await sleep(2000);
    if (process.stdout.isTTY) {
      process.stdout.write('\x1b[2J\x1b[H');
    }
    view = await printProgress(client, environment);
  }
}

export async function validateAllCommand(
  client: ApiClient,
  environment: string,
  detailed: boolean,
): Promise<void> {
  const run = await client.request<RunSummary>('POST', envPath(environment, '/validate'), {
    detailed,
  });
  const view = await waitForRun(client, run.runId);
  const { text, failed } = renderValidation(view, detailed);
  print(text);
  if (failed > 0) {
    throw new PerfplaneError(
      'PhaseFailed',
      `${failed} phase(s) failed validation; the logs are in \`perfplane support-bundle\``,
    );
  }
  if (view.run.status !== 'succeeded') {
    failIfUnsuccessful(view.run);
  }
}

export async function rollbackCommand(
  client: ApiClient,
  environment: string,
  request: { phase?: string; cascade?: boolean; all?: boolean; confirm?: boolean },
): Promise<void> {
  const run = await client.request<RunSummary>('POST', envPath(environment, '/rollback'), request);
  print(`started rollback ${run.runId} of ${run.phases.join(', ') || 'nothing deployed'}`);
  const ended = await waitForRun(client, run.runId);
  await printProgress(client, environment);
  failIfUnsuccessful(ended.run);
}

export async function skipCommand(
  client: ApiClient,
  environment: string,
  phase: string,
  reason: string,
): Promise<void> {
  if (!reason.trim()) {
    throw new PerfplaneError(
      'InvalidArgument',
      `skipping ${phase} needs a reason; repeat with \`perfplane skip ${phase} --reason "<why>"\``,
    );
  }
  const run = await client.request<RunSummary>(
    'POST',
    envPath(environment, `/phases/${encodeURIComponent(phase)}/skip`),
    { reason },
  );
  print(`skipped ${phase}: ${reason}`);
  const view = await waitForRun(client, run.runId);
  const { text, failed } = renderValidation(view, false);
  print(text.split('\n').find((line) => !line.startsWith('⏸️')) ?? text);
  if (failed > 0) {
    throw new PerfplaneError('PhaseFailed', `${phase} is skipped but failed validation`);
  }
}

export async function emergencyStopCommand(client: ApiClient, environment: string): Promise<void> {
  const result = await client.request<{ stopped: boolean; builds: string[]; message: string }>(
    'POST',
    envPath(environment, '/emergency-stop'),
    {},
  );
  print(
    result.stopped ? `${result.message}; stopped ${result.builds.length} build(s)` : result.message,
  );
}

export async function approveCommand(
  client: ApiClient,
  environment: string,
  phase: string,
  approved: boolean,
): Promise<void> {
  const progress = await client.request<ProgressResponse>('GET', envPath(environment, '/progress'));
  if (!progress.run) {
    throw new PerfplaneError('NotFound', `no run in "${environment}" waits for approval`);
  }
  await client.request('POST', `/runs/${encodeURIComponent(progress.run.runId)}/approvals`, {
    phase,
    action: 'deploy',
    approved,
  });
  print(`${approved ? 'approved' : 'rejected'} ${phase} in run ${progress.run.runId}`);
}

export async function costSavingCommand(
  client: ApiClient,
  environment: string,
  action: 'on' | 'off',
): Promise<void> {
  const result = await client.request<{
    results: { phase: string; outcome: string; message: string }[];
  }>('POST', envPath(environment, '/cost-saving'), { action, retainData: true });
  if (result.results.length === 0) {
    print('no deployed phase to scale');
  }
  for (const entry of result.results) {
    print(`${entry.phase}: ${entry.outcome} (${entry.message})`);
  }
  if (result.results.some((entry) => entry.outcome === 'failed')) {
    throw new PerfplaneError('PhaseFailed', 'a cost-saving script failed; see the lines above');
  }
}

export async function supportBundleCommand(client: ApiClient, environment: string): Promise<void> {
  const bundle = await client.request<{
    location: string;
    localPath?: string;
    bytes: number;
    files: number;
    redactions: { file: string; counts: { rule: string; count: number }[] }[];
  }>('POST', envPath(environment, '/support-bundle'), {});
  const redacted = bundle.redactions.reduce(
    (sum, entry) => sum + entry.counts.reduce((inner, count) => inner + count.count, 0),
    0,
  );
  print(`support bundle: ${bundle.localPath ?? bundle.location}`);
  print(`${bundle.files} files, ${bundle.bytes} bytes, ${redacted} secret(s) redacted`);
}

export async function reportCommand(client: ApiClient, environment: string): Promise<void> {
  const result = await client.request<{
    status: string;
    message?: string;
    location?: string;
    files?: { result: string; summary: string; html: string };
  }>('GET', envPath(environment, '/report'));
  if (result.status !== 'ready') {
    print(result.message ?? 'no report yet');
    return;
  }
  if (result.files) {
    print(`report: ${result.files.html}`);
    print(`result: ${result.files.result}`);
    print(`summary: ${result.files.summary}`);
    return;
  }
  print(`report: ${result.location}`);
}

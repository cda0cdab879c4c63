import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetExecutionHistoryCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { isPhaseId, type PhaseId } from '@perfplane/core';
import type { Run, RunEvent, StateRepository } from '@perfplane/store';
import { buildLogGroup } from '../settings/names.js';

/** Bytes kept from one source (one build's log, one execution history), so one noisy build cannot fill the bundle. */
export const MAX_SOURCE_BYTES = 1024 * 1024;
/** Pages read from one source before it is cut off. */
const MAX_PAGES = 50;

export interface NamedText {
  name: string;
  text: string;
}

/** The artifact listing and reading the bundle needs; the store's Artifacts class fits. */
export interface ArtifactReader {
  list(prefix: string): Promise<{ key: string; size: number }[]>;
  getObjectText(key: string): Promise<string>;
}

export interface RunLogReaderOptions {
  prefix: string;
  store: Pick<StateRepository, 'getRun' | 'listEvents'>;
  logs: CloudWatchLogsClient;
  sfn: SFNClient;
  artifacts?: ArtifactReader;
  now?: () => Date;
}

class Capped {
  private bytes = 0;
  private readonly parts: string[] = [];
  truncated = false;

  add(text: string): boolean {
    const size = Buffer.byteLength(text);
    if (this.bytes + size > MAX_SOURCE_BYTES) {
      this.truncated = true;
      return false;
    }
    this.bytes += size;
    this.parts.push(text);
    return true;
  }

  text(note: string): string {
    const body = this.parts.join('');
    return this.truncated ? `${body}[cut at ${MAX_SOURCE_BYTES} bytes: ${note}]\n` : body;
  }
}

function builds(events: RunEvent[]): { buildId: string; phase: PhaseId }[] {
  return events.flatMap((event) => {
    const buildId = String(event.data?.buildId ?? '');
    const phase = event.phase ?? String(event.data?.phase ?? '');
    return event.type === 'build-started' && buildId && isPhaseId(phase)
      ? [{ buildId, phase }]
      : [];
  });
}

/**
 * Reads what a support bundle needs about one run on AWS: every build's
 * CodeBuild log for the run's time window, the Step Functions execution
 * history, and the troubleshoot output the phases stored. Each source is
 * capped at MAX_SOURCE_BYTES; the bundle redacts the texts afterwards.
 */
export class AwsRunLogReader {
  constructor(private readonly options: RunLogReaderOptions) {}

  async readRunLogs(runId: string): Promise<NamedText[]> {
    const run = await this.options.store.getRun(runId);
    if (!run) {
      return [];
    }
    const events = await this.options.store.listEvents(runId);
    const result: NamedText[] = [];
    for (const build of builds(events)) {
      result.push(await this.buildLog(run, build));
    }
    if (run.executionArn) {
      result.push(await this.executionHistory(run.executionArn));
    }
    result.push(...(await this.troubleshootOutputs(run)));
    return result;
  }

  private async buildLog(run: Run, build: { buildId: string; phase: PhaseId }): Promise<NamedText> {
    const stream = build.buildId.split(':').at(-1) ?? build.buildId;
    const start = Date.parse(run.startedAt ?? run.createdAt);
    const end = run.endedAt
      ? Date.parse(run.endedAt)
      : (this.options.now?.() ?? new Date()).getTime();
    const capped = new Capped();
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const output = await this.options.logs.send(
        new FilterLogEventsCommand({
          logGroupName: buildLogGroup(this.options.prefix, build.phase),
          logStreamNames: [stream],
          startTime: start,
          endTime: end,
          nextToken,
        }),
      );
      const full = (output.events ?? []).every((event) =>
        capped.add(`${event.message ?? ''}${event.message?.endsWith('\n') ? '' : '\n'}`),
      );
      nextToken = output.nextToken;
      if (!full || !nextToken) {
        break;
      }
    }
    if (nextToken) {
      capped.truncated = true;
    }
    return { name: `${build.phase}.${stream}.log`, text: capped.text('later lines left out') };
  }

  private async executionHistory(executionArn: string): Promise<NamedText> {
    const capped = new Capped();
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const output = await this.options.sfn.send(
        new GetExecutionHistoryCommand({
          executionArn,
          maxResults: 1000,
          nextToken,
          includeExecutionData: true,
        }),
      );
      const full = (output.events ?? []).every((event) => capped.add(`${JSON.stringify(event)}\n`));
      nextToken = output.nextToken;
      if (!full || !nextToken) {
        break;
      }
    }
    if (nextToken) {
      capped.truncated = true;
    }
    return { name: 'execution-history.ndjson', text: capped.text('later events left out') };
  }

  private async troubleshootOutputs(run: Run): Promise<NamedText[]> {
    const artifacts = this.options.artifacts;
    if (!artifacts) {
      return [];
    }
    const entries = await artifacts.list(`outputs/${run.environment}/`);
    const wanted = entries.filter((entry) => /troubleshoot/.test(entry.key)).slice(0, 20);
    const texts: NamedText[] = [];
    for (const entry of wanted) {
      const text = await artifacts.getObjectText(entry.key);
      const capped = new Capped();
      capped.add(text.slice(0, MAX_SOURCE_BYTES));
      if (Buffer.byteLength(text) > MAX_SOURCE_BYTES) {
        capped.truncated = true;
      }
      texts.push({
        name: entry.key.replaceAll('/', '_'),
        text: capped.text('rest of the file left out'),
      });
    }
    return texts;
  }
}

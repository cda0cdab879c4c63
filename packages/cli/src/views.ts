import { formatDuration, PHASES } from '@perfplane/core';

/** The parts of the API's responses the CLI reads. */
export interface PhaseView {
  phaseId: string;
  title?: string;
  status: string;
  percent?: number;
  step?: string;
  endedAt?: string;
  reason?: string;
  error?: { code: string; message: string };
  unmet?: string[];
  awaitingApproval?: boolean;
}

export interface RunSummary {
  runId: string;
  status: string;
  phases: string[];
  kind?: string;
  error?: { code: string; message: string };
  currentPhase?: string;
}

export interface ProgressResponse {
  environment: string;
  run?: RunSummary;
  phases: PhaseView[];
  percent: number;
  elapsedSeconds: number;
  remainingSeconds: number;
}

export interface EventView {
  type: string;
  phase?: string;
  message: string;
  at: string;
  data?: Record<string, unknown>;
}

export interface RunResponse {
  run: RunSummary;
  phases: PhaseView[];
  events: EventView[];
}

/** Width of the phase id column, icon excluded. */
const ID_COLUMN = 20;

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/** Formats an ISO time as "2024-01-15 10:30" in the local time zone. */
export function formatTimestamp(iso: string | undefined): string {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
}

function describe(phase: PhaseView): { icon: string; text: string } {
  if (phase.awaitingApproval) {
    return { icon: '⏸️', text: `Awaiting Approval: perfplane approve ${phase.phaseId}` };
  }
  switch (phase.status) {
    case 'completed':
      return { icon: '✅', text: `Completed: ${formatTimestamp(phase.endedAt)}` };
    case 'running':
      return {
        icon: '🔄',
        text: `In Progress: ${phase.percent ?? 0}% - ${phase.step || 'starting'}`,
      };
    case 'skipped':
      return { icon: '⏭️', text: `Skipped: ${phase.reason ?? 'no reason recorded'}` };
    case 'failed':
      return { icon: '❌', text: `Failed: ${phase.error?.message ?? phase.step ?? 'see the log'}` };
    case 'requirements-not-met':
      return {
        icon: '⛔',
        text: `Requirements Not Met: ${(phase.unmet ?? []).join('; ') || 'see the log'}`,
      };
    case 'rolling-back':
      return {
        icon: '🔄',
        text: `Rolling Back: ${phase.percent ?? 0}% - ${phase.step || 'starting'}`,
      };
    case 'rolled-back':
      return { icon: '↩️', text: `Rolled Back: ${formatTimestamp(phase.endedAt)}` };
    case 'stopped':
      return { icon: '🛑', text: `Stopped: ${phase.step ?? 'stopped'}` };
    default:
      return { icon: '⏹️', text: 'Not Started' };
  }
}

/**
 * Returns one line of the progress view. Icons written with a variation
 * selector (⏹️, ⏭️, ↩️) render one column narrower in most terminals, so they
 * get a second space and the id column shrinks by one to keep the brackets
 * aligned.
 */
export function phaseLine(phase: PhaseView): string {
  const { icon, text } = describe(phase);
  const narrow = icon.includes('\uFE0F');
  const width = narrow ? ID_COLUMN - 1 : ID_COLUMN;
  const gap = ' '.repeat(Math.max(1, width - phase.phaseId.length));
  return `${icon}${narrow ? '  ' : ' '}${phase.phaseId}${gap}[${text}]`;
}

export function renderProgress(view: ProgressResponse): string {
  const lines = ['Phase Status Overview', '===================='];
  for (const phase of view.phases) {
    lines.push(phaseLine(phase));
  }
  lines.push(`Time Elapsed: ${formatDuration(view.elapsedSeconds)}`);
  lines.push(`Estimated Remaining: ${formatDuration(view.remainingSeconds)}`);
  return lines.join('\n');
}

function titleOf(phaseId: string): string {
  return PHASES.find((phase) => phase.id === phaseId)?.title ?? phaseId;
}

/** Returns one line a phase from a validate run's events, and whether any failed. */
export function renderValidation(
  view: RunResponse,
  detailed: boolean,
): { text: string; failed: number } {
  const lines: string[] = [];
  let failed = 0;
  for (const phase of PHASES) {
    const results = view.events.filter(
      (event) =>
        event.phase === phase.id &&
        (event.type === 'phase-validated' || event.type === 'phase-validation-failed'),
    );
    const result = results.at(-1);
    const state = view.phases.find((entry) => entry.phaseId === phase.id);
    let line: string;
    if (!result) {
      line = `⏸️ ${phase.title}: not validated (${view.run.status})`;
    } else if (result.data?.deployed === false) {
      line = `⏸️ ${phase.title}: Not deployed yet`;
    } else if (result.type === 'phase-validated') {
      line = `✅ ${phase.title}: ${result.message}`;
    } else {
      failed += 1;
      line = `❌ ${phase.title}: ${result.message}`;
    }
    lines.push(line);
    if (detailed) {
      lines.push(`   status ${state?.status ?? 'not-started'}; validates ${phase.validates}`);
    }
  }
  return { text: lines.join('\n'), failed };
}

export { titleOf };

/**
 * The line format phase scripts use to talk to the build runner. Each
 * directive is one line on standard output:
 *
 *   ##perfplane[progress] 45 Deploying platform services
 *   ##perfplane[output] cluster_name=ml-perf
 *   ##perfplane[unmet] helm >= 3.14 not found on PATH
 *
 * progress: percent of the phase action (0-100) and the current step.
 * output: a key=value recorded in the phase's outputs for later phases.
 * unmet: one requirement the prerequisites phase found missing.
 * phases/lib/perfplane.sh writes them; parseDirective reads them.
 */
export type Directive =
  | { kind: 'progress'; percent: number; step: string }
  | { kind: 'output'; key: string; value: string }
  | { kind: 'unmet'; requirement: string };

const DIRECTIVE = /^##perfplane\[(progress|output|unmet)\] ?(.*)$/;
const OUTPUT_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

/** Exit code a phase action uses when requirements are unmet, distinct from a failure. */
export const REQUIREMENTS_NOT_MET_EXIT = 3;

/** Parses one output line; returns undefined for ordinary lines and malformed directives. */
export function parseDirective(line: string): Directive | undefined {
  const match = DIRECTIVE.exec(line.trimEnd());
  if (!match) {
    return undefined;
  }
  const [, kind, rest = ''] = match;
  if (kind === 'progress') {
    const progress = /^(\d{1,3})(?:\s+(.*))?$/.exec(rest);
    const percent = Number(progress?.[1]);
    if (!progress || percent > 100) {
      return undefined;
    }
    return { kind, percent, step: progress[2]?.trim() ?? '' };
  }
  if (kind === 'output') {
    const equals = rest.indexOf('=');
    const key = rest.slice(0, equals);
    if (equals < 1 || !OUTPUT_KEY.test(key)) {
      return undefined;
    }
    return { kind, key, value: rest.slice(equals + 1) };
  }
  return rest.trim() ? { kind: 'unmet', requirement: rest.trim() } : undefined;
}

export function formatProgress(percent: number, step: string): string {
  return `##perfplane[progress] ${Math.round(Math.min(100, Math.max(0, percent)))} ${step}`;
}

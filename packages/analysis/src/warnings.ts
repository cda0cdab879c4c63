/** Counted input problems: one entry per file and kind, with the first line seen. */
export interface InputWarning {
  file: string;
  kind: WarningKind;
  count: number;
  firstLine: number | null;
  message: string;
}

export type WarningKind =
  | 'empty-file'
  | 'invalid-json'
  | 'truncated-last-line'
  | 'invalid-value'
  | 'invalid-time'
  | 'unknown-metric-type'
  | 'point-before-metric'
  | 'unknown-line-type'
  | 'unknown-csv-column'
  | 'invalid-csv-row'
  | 'negative-trend-value'
  | 'no-samples'
  | 'inexact-merge';

export class WarningLog {
  private readonly entries = new Map<string, InputWarning>();

  add(file: string, kind: WarningKind, line: number | null, message: string): void {
    const key = `${file}\u0000${kind}`;
    const entry = this.entries.get(key);
    if (entry) {
      entry.count++;
      return;
    }
    this.entries.set(key, { file, kind, count: 1, firstLine: line, message });
  }

  merge(warnings: InputWarning[]): void {
    for (const warning of warnings) {
      const key = `${warning.file}\u0000${warning.kind}`;
      const entry = this.entries.get(key);
      if (entry) entry.count += warning.count;
      else this.entries.set(key, { ...warning });
    }
  }

  list(): InputWarning[] {
    return [...this.entries.values()];
  }
}

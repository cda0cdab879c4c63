/** Number formatting shared by the Markdown and HTML reports. */

export function formatNumber(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(digits);
}

export function formatMs(value: number | null | undefined): string {
  return value === null || value === undefined ? 'n/a' : `${formatNumber(value, 1)} ms`;
}

export function formatPercent(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? 'n/a' : `${(value * 100).toFixed(digits)}%`;
}

export function formatChange(percent: number | null): string {
  if (percent === null) return 'n/a';
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%`;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Label for an empty breakdown key (samples without the tag). */
export function keyLabel(key: string): string {
  return key === '' ? '(untagged)' : key;
}

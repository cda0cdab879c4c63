import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnalysisResult } from '../schema.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';

export interface WrittenReports {
  json: string;
  markdown: string;
  html: string;
}

/**
 * Writes result.json, summary.md and report.html into outDir. Each file is
 * written to a temporary name first and renamed, so a failure leaves no
 * half-written report.
 */
export async function writeReports(
  result: AnalysisResult,
  outDir: string,
): Promise<WrittenReports> {
  await mkdir(outDir, { recursive: true });
  const files: [string, string][] = [
    ['result.json', `${JSON.stringify(result, null, 2)}\n`],
    ['summary.md', renderMarkdown(result)],
    ['report.html', renderHtml(result)],
  ];
  const temporary = `.tmp-${process.pid}-${Date.now()}`;
  for (const [name, content] of files) await writeFile(join(outDir, name + temporary), content);
  for (const [name] of files) await rename(join(outDir, name + temporary), join(outDir, name));
  return {
    json: join(outDir, 'result.json'),
    markdown: join(outDir, 'summary.md'),
    html: join(outDir, 'report.html'),
  };
}

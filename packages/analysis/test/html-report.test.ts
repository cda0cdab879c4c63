import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { analyse, writeReports } from '../src/index.js';
import { fixture, tempDir } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing; CI must install the chromium package`);
}
if (!hasChromium) {
  console.warn(
    `skipping the HTML report browser test: ${CHROMIUM} is missing (apt-get install -y chromium)`,
  );
}

const OUTPUT = join(import.meta.dirname, 'output');

describe('HTML report', () => {
  it('contains no external resources', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const result = await analyse({ files: [fixture('k6-load-template_k6-results.ndjson')] });
      const written = await writeReports(result, dir);
      const html = await readFile(written.html, 'utf8');
      expect(html).not.toMatch(
        /<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)[^"<]*\.(js|css)/,
      );
      expect(html.match(/<svg /g)?.length).toBe(4);
      const markdown = await readFile(written.markdown, 'utf8');
      expect(markdown.split('\n').length).toBeLessThan(30);
    } finally {
      await cleanup();
    }
  });

  it.skipIf(!hasChromium)('renders charts in Chromium', async () => {
    const { dir, cleanup } = await tempDir();
    let browser: BrowserContext | undefined;
    try {
      // A fresh profile folder per run: playwright takes it as userDataDir.
      browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      const result = await analyse({
        files: [fixture('k6-load-template_k6-results.ndjson')],
        environment: { target: { tps: 1, p95Ms: 10_000, maxErrorRate: 0.01 } },
      });
      const written = await writeReports(result, join(dir, 'report'));
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) problems.push(`request to ${request.url()}`);
      });
      await page.goto(pathToFileURL(written.html).href);

      const charts = await page.locator('svg.chart').count();
      expect(charts).toBe(4);
      const pathData = await page
        .locator('svg.chart path.line')
        .evaluateAll((paths) => paths.map((path) => path.getAttribute('d') ?? ''));
      const drawnPoints = pathData.map((d) => (d.match(/[ML]/g) ?? []).length);
      expect(drawnPoints.filter((count) => count > 10).length).toBeGreaterThanOrEqual(4);
      const box = await page.locator('svg.chart').first().boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(300);
      await expect(page.locator('h1').textContent()).resolves.toMatch(/FAIL|PASS/);
      expect(problems).toEqual([]);

      await mkdir(OUTPUT, { recursive: true });
      const screenshot = join(OUTPUT, 'report.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      expect((await stat(screenshot)).size).toBeGreaterThan(10_000);
    } finally {
      await browser?.close();
      await cleanup();
    }
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.js';
import { analysisResultSchema } from '../src/index.js';
import { fixture, tempDir } from './helpers.js';

describe('cli report', () => {
  it('writes the three reports', async () => {
    const { dir, cleanup } = await tempDir();
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const code = await main([
        'report',
        fixture('finance_k6-results.csv'),
        '--out',
        dir,
        '--threshold',
        'http_req_duration{name:http://finance:9501/transfer}=p(95)<1000',
      ]);
      expect(code).toBe(0);
      const result = analysisResultSchema.parse(
        JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')),
      );
      expect(result.thresholds[0]?.metric).toBe(
        'http_req_duration{name:http://finance:9501/transfer}',
      );
      expect(result.thresholds[0]?.ok).toBe(true);
      await expect(readFile(join(dir, 'summary.md'), 'utf8')).resolves.toMatch(/k6 analysis/);
      await expect(readFile(join(dir, 'report.html'), 'utf8')).resolves.toMatch(/<svg /);
    } finally {
      write.mockRestore();
      await cleanup();
    }
  });

  it('exits 1 when the target is missed', async () => {
    const { dir, cleanup } = await tempDir();
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const code = await main([
        'report',
        fixture('ticket-reserve_output.ndjson'),
        '--out',
        dir,
        '--target-tps',
        '1000',
        '--target-p95-ms',
        '500',
        '--target-error-rate',
        '0.001',
      ]);
      expect(code).toBe(1);
    } finally {
      write.mockRestore();
      await cleanup();
    }
  });

  it('rejects a partial target', async () => {
    await expect(
      main([
        'report',
        fixture('ticket-reserve_output.ndjson'),
        '--out',
        '/tmp/x',
        '--target-tps',
        '5',
      ]),
    ).rejects.toThrow(/needs all of --target-tps/);
  });
});

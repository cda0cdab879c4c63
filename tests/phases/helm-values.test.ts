import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from './run-script.js';

const phasesDir = path.join(repoRoot, 'phases');
const chartTables = readdirSync(phasesDir)
  .map((phase) => path.join(phasesDir, phase, 'config/charts.tsv'))
  .filter((file) => existsSync(file));

function rows(file: string): string[][] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => line.split('\t'));
}

const yamlFiles = readdirSync(phasesDir, { recursive: true, encoding: 'utf8' })
  .filter((file) => /\/config\/.*\.ya?ml$/.test(file))
  .map((file) => path.join(phasesDir, file));

describe('chart tables', () => {
  it('exist for the Helm phases', () => {
    const phases = chartTables.map((file) => path.basename(path.dirname(path.dirname(file))));
    expect(phases).toEqual(['03-kubernetes', '04-mojaloop', '05-k6-infrastructure']);
  });

  it.each(chartTables)('%s pins versions', (file) => {
    for (const row of rows(file)) {
      expect(row, row.join(' ')).toHaveLength(6);
      expect(row[4], `${row[0]} version`).toMatch(/^v?\d+\.\d+\.\d+$/);
      expect(row[2], `${row[0]} repository`).toMatch(/^https:\/\//);
    }
  });

  it.each(chartTables)('%s names existing values', (file) => {
    for (const row of rows(file)) {
      const values = row[5] ?? '';
      if (values !== 'generated') {
        expect(existsSync(path.join(path.dirname(file), 'values', values)), values).toBe(true);
      }
    }
  });
});

describe('config yaml', () => {
  it('covers the values files', () => {
    expect(yamlFiles.length).toBeGreaterThanOrEqual(12);
  });

  it.each(yamlFiles)('%s parses', (file) => {
    const documents = parseAllDocuments(readFileSync(file, 'utf8'));
    for (const document of documents) {
      expect(document.errors.map((error) => error.message)).toEqual([]);
      expect(document.toJS()).toBeTypeOf('object');
    }
  });
});

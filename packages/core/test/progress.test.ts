import { describe, expect, it } from 'vitest';
import { computeProgress, expectedSeconds, formatDuration, median } from '../src/progress.js';

const now = new Date('2024-01-15T14:53:00Z');

describe('median', () => {
  it('odd count', () => {
    expect(median([5, 1, 3])).toBe(3);
  });
  it('even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('empty list', () => {
    expect(median([])).toBeUndefined();
  });
});

describe('expectedSeconds', () => {
  it('catalog midpoint without history', () => {
    expect(expectedSeconds('02-infrastructure')).toBe(150 * 60);
    expect(expectedSeconds('01-prerequisites')).toBe(30 * 60);
  });
  it('median of past runs', () => {
    expect(expectedSeconds('02-infrastructure', [600, 1200, 900])).toBe(900);
  });
  it('environment minutes before history', () => {
    expect(expectedSeconds('07-performance-tests', [], 2.5)).toBe(150);
  });
  it('history over environment minutes', () => {
    expect(expectedSeconds('07-performance-tests', [100, 300], 2.5)).toBe(200);
  });
});

describe('computeProgress', () => {
  it('weights phases by expected time', () => {
    const figures = computeProgress({
      phases: [
        { id: '01-prerequisites', status: 'completed' },
        { id: '02-infrastructure', status: 'running', percent: 50 },
        { id: '03-kubernetes', status: 'not-started' },
      ],
      history: {},
      startedAt: '2024-01-15T10:30:00Z',
      now,
    });
    // 30 + 150 + 90 minutes expected; 30 + 75 done.
    expect(figures.percent).toBe(Math.round((105 / 270) * 100));
    expect(figures.elapsedSeconds).toBe(4 * 3600 + 23 * 60);
    expect(figures.remainingSeconds).toBe(165 * 60);
  });

  it('uses history once it exists', () => {
    const figures = computeProgress({
      phases: [{ id: '04-mojaloop', status: 'not-started' }],
      history: { '04-mojaloop': [60, 120, 90] },
      now,
    });
    expect(figures.remainingSeconds).toBe(90);
  });

  it('counts skipped as done', () => {
    const figures = computeProgress({
      phases: [
        { id: '03-kubernetes', status: 'skipped' },
        { id: '04-mojaloop', status: 'completed' },
      ],
      history: {},
      now,
    });
    expect(figures.percent).toBe(100);
    expect(figures.remainingSeconds).toBe(0);
  });

  it('stops the clock at the end', () => {
    const figures = computeProgress({
      phases: [{ id: '01-prerequisites', status: 'failed' }],
      history: {},
      startedAt: '2024-01-15T10:00:00Z',
      endedAt: '2024-01-15T10:05:00Z',
      now,
    });
    expect(figures.elapsedSeconds).toBe(300);
    expect(figures.remainingSeconds).toBe(1800);
  });
});

describe('formatDuration', () => {
  it('hours and minutes', () => {
    expect(formatDuration(4 * 3600 + 23 * 60 + 10)).toBe('4h 23m');
  });
  it('minutes only', () => {
    expect(formatDuration(12 * 60)).toBe('12m');
  });
  it('seconds only', () => {
    expect(formatDuration(45)).toBe('45s');
  });
});

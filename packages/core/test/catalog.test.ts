import { describe, expect, it } from 'vitest';
import { dependentsOf, PHASES, resolvePhase, rollbackOrder } from '../src/catalog.js';

describe('catalog', () => {
  it('lists eight phases in dependency order', () => {
    expect(PHASES.map((phase) => phase.id)).toEqual([
      '01-prerequisites',
      '02-infrastructure',
      '03-kubernetes',
      '04-mojaloop',
      '05-k6-infrastructure',
      '06-first-test',
      '07-performance-tests',
      '08-analysis',
    ]);
  });

  it('resolves numbers and names', () => {
    expect(resolvePhase('4')?.id).toBe('04-mojaloop');
    expect(resolvePhase('k6-infrastructure')?.id).toBe('05-k6-infrastructure');
    expect(resolvePhase('09')).toBeUndefined();
  });

  it('finds transitive dependents', () => {
    expect(dependentsOf('05-k6-infrastructure').map((p) => p.id)).toEqual([
      '06-first-test',
      '07-performance-tests',
      '08-analysis',
    ]);
  });

  it('rolls back 05 before 02 and 06 before 04', () => {
    const order = rollbackOrder().map((p) => p.id);
    expect(order.indexOf('05-k6-infrastructure')).toBeLessThan(order.indexOf('02-infrastructure'));
    expect(order.indexOf('06-first-test')).toBeLessThan(order.indexOf('04-mojaloop'));
    expect(order[0]).toBe('08-analysis');
  });
});

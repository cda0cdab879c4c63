import { describe, expect, it } from 'vitest';
import {
  type ProgressResponse,
  phaseLine,
  renderProgress,
  renderValidation,
} from '../src/views.js';

describe('renderProgress', () => {
  it('matches the documented layout', () => {
    const view: ProgressResponse = {
      environment: 'rehearsal',
      percent: 40,
      elapsedSeconds: 4 * 3600 + 23 * 60,
      remainingSeconds: 6 * 3600 + 30 * 60,
      phases: [
        {
          phaseId: '01-prerequisites',
          status: 'completed',
          endedAt: new Date(2024, 0, 15, 10, 30).toISOString(),
        },
        {
          phaseId: '03-kubernetes',
          status: 'running',
          percent: 45,
          step: 'Deploying platform services',
        },
        { phaseId: '04-mojaloop', status: 'not-started' },
      ],
    };
    expect(renderProgress(view)).toBe(
      [
        'Phase Status Overview',
        '====================',
        '✅ 01-prerequisites    [Completed: 2024-01-15 10:30]',
        '🔄 03-kubernetes       [In Progress: 45% - Deploying platform services]',
        '⏹️  04-mojaloop        [Not Started]',
        'Time Elapsed: 4h 23m',
        'Estimated Remaining: 6h 30m',
      ].join('\n'),
    );
  });
});

describe('phaseLine', () => {
  it('skipped with reason', () => {
    expect(
      phaseLine({ phaseId: '03-kubernetes', status: 'skipped', reason: 'existing cluster' }),
    ).toBe('⏭️  03-kubernetes      [Skipped: existing cluster]');
  });
  it('failed with error', () => {
    const line = phaseLine({
      phaseId: '04-mojaloop',
      status: 'failed',
      error: { code: 'PhaseFailed', message: 'helm install timed out' },
    });
    expect(line).toBe('❌ 04-mojaloop         [Failed: helm install timed out]');
  });
  it('requirements not met', () => {
    const line = phaseLine({
      phaseId: '01-prerequisites',
      status: 'requirements-not-met',
      unmet: ['helm >= 3.14', 'EKS quota'],
    });
    expect(line).toBe('⛔ 01-prerequisites    [Requirements Not Met: helm >= 3.14; EKS quota]');
  });
  it('awaiting approval', () => {
    expect(
      phaseLine({ phaseId: '04-mojaloop', status: 'not-started', awaitingApproval: true }),
    ).toBe('⏸️  04-mojaloop        [Awaiting Approval: perfplane approve 04-mojaloop]');
  });
  it('long id keeps a space', () => {
    expect(phaseLine({ phaseId: '07-performance-tests', status: 'not-started' })).toBe(
      '⏹️  07-performance-tests [Not Started]',
    );
  });
});

describe('renderValidation', () => {
  it('one line a phase', () => {
    const { text, failed } = renderValidation(
      {
        run: { runId: 'r', status: 'failed', phases: [] },
        phases: [],
        events: [
          {
            type: 'phase-validated',
            phase: '02-infrastructure',
            message: 'VPCs, EKS and RDS healthy',
            at: '1',
            data: { deployed: true },
          },
          {
            type: 'phase-validated',
            phase: '04-mojaloop',
            message: 'Not deployed yet',
            at: '2',
            data: { deployed: false },
          },
          {
            type: 'phase-validation-failed',
            phase: '03-kubernetes',
            message: 'ingress not ready',
            at: '3',
            data: { deployed: true },
          },
        ],
      },
      false,
    );
    const lines = text.split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[1]).toBe('✅ Infrastructure: VPCs, EKS and RDS healthy');
    expect(lines[2]).toBe('❌ Kubernetes: ingress not ready');
    expect(lines[3]).toBe('⏸️ Mojaloop: Not deployed yet');
    expect(failed).toBe(1);
  });
});

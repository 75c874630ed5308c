import { describe, expect, it } from 'vitest';
import { analysisTitle } from '../../../src/analysis/analysis-title.ts';
import type { AnalysisAlert } from '../../../src/analysis/analyze-incident.ts';
import type { RootCauseCandidate } from '../../../src/topology/rank-root-causes.ts';

const alert = (name: string, service: string | null, minute: number, status: 'firing' | 'resolved' = 'firing'): AnalysisAlert => ({
  name,
  service,
  severity: 'warning',
  status,
  startsAt: new Date(Date.UTC(2026, 2, 1, 3, minute)),
});
const cause = (service: string, alerting: boolean): RootCauseCandidate => ({
  service,
  kind: 'database',
  score: 0.9,
  alerting,
  explains: [service],
  evidence: [],
});

describe('analysisTitle', () => {
  const alerts = [alert('KubePodCrashLooping', 'api', 1), alert('PostgresDown', 'orders-db', 2), alert('HighLatency', 'checkout', 0)];

  it('names an alert of the top root cause itself', () => {
    expect(analysisTitle(alerts, { rootCauses: [cause('orders-db', true)] })).toBe('PostgresDown on orders-db (+2 more)');
    expect(analysisTitle(alerts, { rootCauses: [cause('api', true), cause('orders-db', true)] })).toBe('KubePodCrashLooping on api (+2 more)');
  });

  it('names a silent suspected cause before the first alert', () => {
    const silent = [alert('HighLatency', 'checkout', 0), alert('KubePodCrashLooping', 'api', 1)];
    expect(analysisTitle(silent, { rootCauses: [cause('orders-db', false)] })).toBe('orders-db suspected: HighLatency on checkout (+1 more)');
  });

  it('counts the firing alerts while any fire, all of them once resolved', () => {
    const mixed = [alert('PostgresDown', 'orders-db', 0), alert('HighLatency', 'checkout', 1, 'resolved')];
    expect(analysisTitle(mixed, { rootCauses: [cause('orders-db', true)] })).toBe('PostgresDown on orders-db');
    const over = mixed.map((each) => ({ ...each, status: 'resolved' as const }));
    expect(analysisTitle(over, { rootCauses: [cause('orders-db', true)] })).toBe('PostgresDown on orders-db (+1 more)');
  });

  it('keeps the title given at creation when no root cause is ranked', () => {
    expect(analysisTitle([alert('Watchdog', null, 0)], { rootCauses: [] })).toBeNull();
  });
});

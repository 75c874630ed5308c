import { describe, expect, it } from 'vitest';
import { analysisTitle } from '../../../src/analysis/analysis-title.ts';
import type { AnalysisAlert } from '../../../src/analysis/analyze-incident.ts';

const alert = (name: string, service: string | null, minute: number, status: 'firing' | 'resolved' = 'firing'): AnalysisAlert => ({
  name,
  service,
  severity: 'warning',
  status,
  startsAt: new Date(Date.UTC(2026, 2, 1, 3, minute)),
});

describe('analysisTitle', () => {
  const alerts = [alert('KubePodCrashLooping', 'api', 1), alert('PostgresDown', 'orders-db', 2), alert('HighLatency', 'checkout', 0)];

  it('names an alert of the top root cause itself', () => {
    expect(analysisTitle(alerts, 'orders-db')).toBe('PostgresDown on orders-db (+2 more)');
    expect(analysisTitle(alerts, 'api')).toBe('KubePodCrashLooping on api (+2 more)');
  });

  it('names a silent suspected cause before the first alert', () => {
    const silent = [alert('HighLatency', 'checkout', 0), alert('KubePodCrashLooping', 'api', 1)];
    expect(analysisTitle(silent, 'orders-db')).toBe('orders-db suspected: HighLatency on checkout (+1 more)');
  });

  it('counts the firing alerts while any fire, all of them once resolved', () => {
    const mixed = [alert('PostgresDown', 'orders-db', 0), alert('HighLatency', 'checkout', 1, 'resolved')];
    expect(analysisTitle(mixed, 'orders-db')).toBe('PostgresDown on orders-db');
    const over = mixed.map((each) => ({ ...each, status: 'resolved' as const }));
    expect(analysisTitle(over, 'orders-db')).toBe('PostgresDown on orders-db (+1 more)');
  });

  it('keeps the title given at creation when no root cause is ranked', () => {
    expect(analysisTitle([alert('Watchdog', null, 0)], undefined)).toBeNull();
  });

  it('counts alerts, also where one entry stands for several (the analysis reads counts per group)', () => {
    const grouped = [
      { ...alert('PostgresDown', 'orders-db', 0), count: 3 },
      { ...alert('HighLatency', 'checkout', 1), count: 40 },
    ];
    expect(analysisTitle(grouped, 'orders-db')).toBe('PostgresDown on orders-db (+42 more)');
  });
});

import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/alerts/alert.ts';
import { SettledAlerts } from '../../../src/ingest/settled-alerts.ts';

const alert: Alert = {
  fingerprint: 'f-1',
  name: 'HighLatency',
  status: 'firing',
  severity: 'warning',
  labels: { alertname: 'HighLatency', service: 'api' },
  annotations: { summary: 'slow' },
  startsAt: new Date('2026-03-01T10:00:00Z'),
  endsAt: null,
  source: 'alertmanager',
  groupKey: 'g',
  generatorUrl: null,
};

describe('SettledAlerts', () => {
  it('knows an alert as unchanged only when it is sent exactly as remembered, and where it went either way', () => {
    const settled = new SettledAlerts();
    expect(settled.recall(alert)).toBeUndefined();
    settled.remember([{ alert, incidentId: 'i-1', stamp: '100' }]);
    expect(settled.recall({ ...alert, labels: { ...alert.labels } })).toEqual({ incidentId: 'i-1', unchanged: true, stamp: '100' });
    // Firing again has a new start: never the occurrence remembered.
    expect(settled.recall({ ...alert, startsAt: new Date('2026-03-01T11:00:00Z') })).toEqual({ incidentId: 'i-1', unchanged: false, stamp: '100' });
    expect(settled.recall({ ...alert, status: 'resolved', endsAt: new Date('2026-03-01T10:30:00Z') })).toEqual({
      incidentId: 'i-1',
      unchanged: false,
      stamp: '100',
    });
    expect(settled.recall({ ...alert, severity: 'critical' })).toEqual({ incidentId: 'i-1', unchanged: false, stamp: '100' });
    expect(settled.recall({ ...alert, annotations: { summary: 'slower' } })).toEqual({ incidentId: 'i-1', unchanged: false, stamp: '100' });
    settled.remember([{ alert: { ...alert, severity: 'critical' }, incidentId: 'i-2', stamp: '200' }]);
    expect(settled.recall(alert)).toEqual({ incidentId: 'i-2', unchanged: false, stamp: '200' });
    expect(settled.recall({ ...alert, severity: 'critical' })).toEqual({ incidentId: 'i-2', unchanged: true, stamp: '200' });
    // Stored without knowing when its row changed: forgotten, not remembered wrong.
    settled.remember([{ alert, incidentId: 'i-3' }]);
    expect(settled.recall(alert)).toBeUndefined();
  });

  it('forgets the oldest beyond its size, and everything after its time to live', () => {
    let now = 1_000;
    const settled = new SettledAlerts({ maxAlerts: 2, ttlMilliseconds: 60_000, now: () => now });
    settled.remember(['a', 'b', 'c'].map((fingerprint) => ({ alert: { ...alert, fingerprint }, incidentId: `i-${fingerprint}`, stamp: '300' })));
    expect(settled.size).toBe(2);
    expect(settled.recall({ ...alert, fingerprint: 'a' })).toBeUndefined();
    expect(settled.recall({ ...alert, fingerprint: 'c' })).toEqual({ incidentId: 'i-c', unchanged: true, stamp: '300' });
    now += 59_000;
    expect(settled.recall({ ...alert, fingerprint: 'c' })).toEqual({ incidentId: 'i-c', unchanged: true, stamp: '300' });
    now += 2_000;
    expect(settled.recall({ ...alert, fingerprint: 'c' })).toBeUndefined();
  });
});

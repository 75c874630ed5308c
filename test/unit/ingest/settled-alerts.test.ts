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
  it('knows an alert only when it is sent exactly as remembered', () => {
    const settled = new SettledAlerts();
    expect(settled.incidentOf(alert)).toBeUndefined();
    settled.remember([{ alert, incidentId: 'i-1' }]);
    expect(settled.incidentOf({ ...alert, labels: { ...alert.labels } })).toBe('i-1');
    // Firing again has a new start: never the occurrence remembered.
    expect(settled.incidentOf({ ...alert, startsAt: new Date('2026-03-01T11:00:00Z') })).toBeUndefined();
    expect(settled.incidentOf({ ...alert, status: 'resolved', endsAt: new Date('2026-03-01T10:30:00Z') })).toBeUndefined();
    expect(settled.incidentOf({ ...alert, severity: 'critical' })).toBeUndefined();
    expect(settled.incidentOf({ ...alert, annotations: { summary: 'slower' } })).toBeUndefined();
    settled.remember([{ alert: { ...alert, severity: 'critical' }, incidentId: 'i-2' }]);
    expect(settled.incidentOf(alert)).toBeUndefined();
    expect(settled.incidentOf({ ...alert, severity: 'critical' })).toBe('i-2');
  });

  it('forgets the oldest beyond its size, and everything after its time to live', () => {
    let now = 1_000;
    const settled = new SettledAlerts({ maxAlerts: 2, ttlMilliseconds: 60_000, now: () => now });
    settled.remember(['a', 'b', 'c'].map((fingerprint) => ({ alert: { ...alert, fingerprint }, incidentId: `i-${fingerprint}` })));
    expect(settled.size).toBe(2);
    expect(settled.incidentOf({ ...alert, fingerprint: 'a' })).toBeUndefined();
    expect(settled.incidentOf({ ...alert, fingerprint: 'c' })).toBe('i-c');
    now += 59_000;
    expect(settled.incidentOf({ ...alert, fingerprint: 'c' })).toBe('i-c');
    now += 2_000;
    expect(settled.incidentOf({ ...alert, fingerprint: 'c' })).toBeUndefined();
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alertFingerprint } from '../../../src/alerts/alert-fingerprint.ts';
import { normalizeSeverity } from '../../../src/alerts/normalize-severity.ts';
import { parseAlertmanager } from '../../../src/alerts/parse-alertmanager.ts';
import { parseGenericAlerts } from '../../../src/alerts/parse-generic-alerts.ts';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8'));
const grafana = JSON.parse(readFileSync(new URL('../../fixtures/grafana-webhook.json', import.meta.url), 'utf8'));
const receivedAt = new Date('2024-05-01T12:00:00Z');

describe('parseAlertmanager', () => {
  it('reads the v4 fixture, treating 0001-01-01 endsAt as "not ended"', () => {
    const result = parseAlertmanager(fixture);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.alerts[0]).toMatchObject({
      fingerprint: 'a1b2c3d4e5f60718',
      name: 'KubePodCrashLooping',
      status: 'firing',
      severity: 'warning',
      endsAt: null,
      groupKey: fixture.groupKey,
    });
    expect(result.alerts[0]!.annotations.runbook_url).toMatch(/^https:/);
  });

  it('tolerates absent notification_reason/routeLabels and extra Grafana fields', () => {
    const { notification_reason: _reason, routeLabels: _labels, ...older } = fixture;
    expect(parseAlertmanager(older).ok).toBe(true);
    const result = parseAlertmanager(grafana, 'grafana');
    expect(result.ok && result.alerts[0]).toMatchObject({ name: 'High memory usage', source: 'grafana', fingerprint: 'c6eadffa33fcdf37' });
  });

  it('names the first problems of a malformed body', () => {
    const result = parseAlertmanager({ alerts: [{ status: 'firing', labels: { a: 1 }, startsAt: 'soon' }] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toContain('alerts[0].startsAt: not a valid timestamp');
    expect(result.issues.some((issue) => issue.startsWith('alerts[0].labels.a'))).toBe(true);
  });

  it('computes a stable fingerprint from sorted labels when none is given', () => {
    const { fingerprint: _fingerprint, ...withoutFingerprint } = fixture.alerts[0];
    const result = parseAlertmanager({ ...fixture, alerts: [withoutFingerprint] });
    expect(result.ok && result.alerts[0]!.fingerprint).toBe(alertFingerprint(fixture.alerts[0].labels));
    expect(alertFingerprint({ a: '1', b: '2' })).toBe(alertFingerprint({ b: '2', a: '1' }));
    expect(alertFingerprint({ a: '1', b: '2' })).not.toBe(alertFingerprint({ a: '1', b: '3' }));
    expect(alertFingerprint({ ab: 'c' })).not.toBe(alertFingerprint({ a: 'bc' }));
  });
});

describe('parseGenericAlerts', () => {
  it('takes one alert, a list, or {alerts: [...]}', () => {
    const one = { name: 'DiskFull', labels: { service: 'db' }, severity: 'crit' };
    for (const body of [one, [one], { alerts: [one] }]) {
      const result = parseGenericAlerts(body, receivedAt);
      expect(result.ok && result.alerts).toHaveLength(1);
      expect(result.ok && result.alerts[0]).toMatchObject({
        name: 'DiskFull',
        severity: 'critical',
        status: 'firing',
        startsAt: receivedAt,
        source: 'generic',
      });
    }
  });

  it('rejects a body with no name', () => {
    expect(parseGenericAlerts({ labels: {} }, receivedAt).ok).toBe(false);
    expect(parseGenericAlerts([], receivedAt).ok).toBe(false);
  });
});

describe('normalizeSeverity', () => {
  it('maps the common spellings and falls back to warning', () => {
    expect(['critical', 'P1', 'page', 'error', 'warn', 'info', undefined, 'banana'].map(normalizeSeverity)).toEqual([
      'critical',
      'critical',
      'critical',
      'high',
      'warning',
      'info',
      'warning',
      'warning',
    ]);
  });
});

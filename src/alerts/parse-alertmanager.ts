import { z } from 'zod';
import type { Alert, AlertSource } from './alert.ts';
import { alertFingerprint } from './alert-fingerprint.ts';
import { formatIssues } from './format-issues.ts';
import { normalizeSeverity } from './normalize-severity.ts';
import { type AlertRepair, repairForStorage } from './storable-alert.ts';

const timestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a valid timestamp');

// Deliberately partial: only what AWOOOI uses; unknown keys (notification_reason, routeLabels, Grafana's
// values/silenceURL/…) are accepted and dropped. Built twice over the maps of strings (labels, annotations): once
// checking each map in one pass (a storm's body holds hundreds of them), once entry by entry, which names the
// offending key in its issue; the second only reads a body the first refused.
function payloadSchema(stringMap: z.ZodType<Record<string, string>>) {
  const alertSchema = z.object({
    status: z.enum(['firing', 'resolved']),
    labels: stringMap.refine((labels) => Object.keys(labels).length > 0, 'at least one label is needed'),
    annotations: stringMap.optional(),
    startsAt: timestamp,
    endsAt: timestamp.optional(),
    generatorURL: z.string().optional(),
    fingerprint: z.string().min(1).max(128).optional(),
  });
  /** Alertmanager webhook v4; Grafana's unified alerting webhook is a superset of it. */
  return z.object({
    version: z.string().optional(),
    groupKey: z.string().optional(),
    status: z.enum(['firing', 'resolved']).optional(),
    groupLabels: stringMap.optional(),
    commonLabels: stringMap.optional(),
    commonAnnotations: stringMap.optional(),
    alerts: z.array(alertSchema).max(10_000),
  });
}

const isStringMap = (value: unknown): value is Record<string, string> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) if (typeof (value as Record<string, unknown>)[key] !== 'string') return false;
  return true;
};
const quickSchema = payloadSchema(z.custom<Record<string, string>>(isStringMap, 'expected an object of strings'));
const preciseSchema = payloadSchema(z.record(z.string(), z.string()));

export type AlertmanagerPayload = z.infer<typeof preciseSchema>;

/** `repairs`: what had to change so that PostgreSQL can store the alerts (storable-alert.ts). */
export type ParsedAlerts = { ok: true; alerts: Alert[]; repairs: AlertRepair[] } | { ok: false; issues: string[] };

/** Validates an Alertmanager (or Grafana) webhook body and turns it into platform-neutral alerts. */
export function parseAlertmanager(body: unknown, source: AlertSource = 'alertmanager'): ParsedAlerts {
  const parsed = quickSchema.safeParse(body);
  if (!parsed.success) {
    const precise = preciseSchema.safeParse(body);
    return { ok: false, issues: formatIssues(precise.success ? parsed.error : precise.error) };
  }
  const payload = parsed.data;
  const groupKey = payload.groupKey ?? null;
  return {
    ok: true,
    ...repairForStorage(
      payload.alerts.map((alert) => ({
        fingerprint: alert.fingerprint ?? alertFingerprint(alert.labels),
        name: alert.labels.alertname ?? 'unnamed alert',
        status: alert.status,
        severity: normalizeSeverity(alert.labels.severity),
        labels: alert.labels,
        annotations: { ...payload.commonAnnotations, ...alert.annotations },
        startsAt: new Date(alert.startsAt),
        endsAt: alert.status === 'resolved' && alert.endsAt && !alert.endsAt.startsWith('0001-') ? new Date(alert.endsAt) : null,
        source,
        groupKey,
        generatorUrl: alert.generatorURL || null,
      })),
    ),
  };
}

import { z } from 'zod';
import { alertFingerprint } from './alert-fingerprint.ts';
import { formatIssues } from './format-issues.ts';
import { normalizeSeverity } from './normalize-severity.ts';
import type { ParsedAlerts } from './parse-alertmanager.ts';
import { repairForStorage } from './storable-alert.ts';

const stringMap = z.record(z.string(), z.string());
const timestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a valid timestamp');

const genericAlertSchema = z.object({
  name: z.string().min(1).max(256),
  status: z.enum(['firing', 'resolved']).default('firing'),
  severity: z.string().max(32).optional(),
  labels: stringMap.default({}),
  annotations: stringMap.default({}),
  startsAt: timestamp.optional(),
  endsAt: timestamp.optional(),
  fingerprint: z.string().min(1).max(128).optional(),
  groupKey: z.string().min(1).max(1024).optional(),
  generatorURL: z.string().optional(),
});

const genericPayloadSchema = z.union([
  z.array(genericAlertSchema).min(1).max(10_000),
  z.object({ alerts: z.array(genericAlertSchema).min(1).max(10_000) }),
  genericAlertSchema,
]);

/**
 * Any webhook: one alert, a list, or `{alerts: [...]}`. `receivedAt` stands in for a missing startsAt, so a
 * replay of the same alert keeps its first start (the fingerprint, not the time, identifies it).
 */
export function parseGenericAlerts(body: unknown, receivedAt: Date): ParsedAlerts {
  const parsed = genericPayloadSchema.safeParse(body);
  if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error) };
  const list = Array.isArray(parsed.data) ? parsed.data : 'alerts' in parsed.data ? parsed.data.alerts : [parsed.data];
  return {
    ok: true,
    ...repairForStorage(
      list.map((alert) => {
        const labels: Record<string, string> = { alertname: alert.name, ...alert.labels };
        return {
          fingerprint: alert.fingerprint ?? alertFingerprint(labels),
          name: alert.name,
          status: alert.status,
          severity: normalizeSeverity(alert.severity ?? labels.severity),
          labels,
          annotations: alert.annotations,
          startsAt: alert.startsAt ? new Date(alert.startsAt) : receivedAt,
          endsAt: alert.status === 'resolved' ? new Date(alert.endsAt ?? receivedAt.toISOString()) : null,
          source: 'generic' as const,
          groupKey: alert.groupKey ?? null,
          generatorUrl: alert.generatorURL ?? null,
        };
      }),
    ),
  };
}

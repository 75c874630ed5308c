import type { Alert } from './alert.ts';
import { storableText } from './storable-text.ts';
import { earliestStorableTime, latestStorableTime, storableTime } from './storable-time.ts';

/** What was changed in one alert so that PostgreSQL can store it; said in the webhook's answer. */
export interface AlertRepair {
  /** The alert's fingerprint (as stored). */
  alert: string;
  /** Which fields, e.g. `labels.pod`, `annotations.description (name)`, `startsAt`. Never their values. */
  fields: string[];
  why: string;
}

const reasons = {
  text: 'NUL or an unpaired UTF-16 surrogate replaced with U+FFFD',
  startsAt: `startsAt outside ${earliestStorableTime.toISOString()}…${latestStorableTime.toISOString()}, clamped to the nearest`,
  endsAt: 'endsAt outside the storable range, treated as absent (a resolved alert ends when AWOOOI learns it)',
};

// A hostile sender picks the label names too: field names in an answer or a log line are kept short and few.
const maxFields = 20;
const fieldName = (name: string) => (name.length > 64 ? `${name.slice(0, 63)}…` : name);

/**
 * Makes parsed alerts storable: every string as `storableText` makes it, a startsAt outside PostgreSQL's
 * range clamped, an endsAt outside it dropped. Everything else is kept; each change is reported, so that one
 * bad value no longer fails its whole group (which Alertmanager would resend forever).
 */
export function repairForStorage(alerts: readonly Alert[]): { alerts: Alert[]; repairs: AlertRepair[] } {
  const repairs: AlertRepair[] = [];
  const repaired = alerts.map((alert) => {
    // Nearly every alert is storable as it came: checked without copying anything.
    if (isStorable(alert)) return alert;
    const fields: string[] = [];
    const why = new Set<string>();
    const text = (value: string, field: string) => {
      const storable = storableText(value);
      if (storable !== value) {
        fields.push(fieldName(field));
        why.add(reasons.text);
      }
      return storable;
    };
    const map = (values: Record<string, string>, prefix: string) => {
      const result: Record<string, string> = {};
      for (const [key, value] of Object.entries(values)) {
        const name = text(key, `${prefix}.${storableText(key)} (name)`);
        result[name] = text(value, `${prefix}.${name}`);
      }
      return result;
    };
    const fingerprint = text(alert.fingerprint, 'fingerprint');
    const name = text(alert.name, 'name');
    const labels = map(alert.labels, 'labels');
    const annotations = map(alert.annotations, 'annotations');
    const startsAt = storableTime(alert.startsAt);
    if (startsAt.clamped) {
      fields.push('startsAt');
      why.add(reasons.startsAt);
    }
    const endsAtStorable = alert.endsAt === null || !storableTime(alert.endsAt).clamped;
    if (!endsAtStorable) {
      fields.push('endsAt');
      why.add(reasons.endsAt);
    }
    const storable: Alert = {
      ...alert,
      fingerprint,
      name,
      labels,
      annotations,
      startsAt: startsAt.date,
      endsAt: endsAtStorable ? alert.endsAt : null,
      groupKey: alert.groupKey === null ? null : text(alert.groupKey, 'groupKey'),
      generatorUrl: alert.generatorUrl === null ? null : text(alert.generatorUrl, 'generatorURL'),
    };
    if (fields.length > maxFields) fields.splice(maxFields, fields.length, `…and ${fields.length - maxFields} more`);
    if (fields.length > 0) repairs.push({ alert: storable.fingerprint, fields, why: [...why].join('; ') });
    return storable;
  });
  return { alerts: repaired, repairs };
}

function isStorable(alert: Alert): boolean {
  const text = (value: string | null) => value === null || (value.isWellFormed() && !value.includes('\u0000'));
  const map = (values: Record<string, string>) => {
    for (const key in values) if (!text(key) || !text(values[key]!)) return false;
    return true;
  };
  return (
    text(alert.fingerprint) &&
    text(alert.name) &&
    text(alert.groupKey) &&
    text(alert.generatorUrl) &&
    map(alert.labels) &&
    map(alert.annotations) &&
    !storableTime(alert.startsAt).clamped &&
    (alert.endsAt === null || !storableTime(alert.endsAt).clamped)
  );
}

import type { AuditEntry } from '../audit/append-audit.ts';
import type { Clock } from '../ports/clock.ts';
import type { PlacedAlert } from './write-alerts.ts';

/** The audit receipt of a stored batch (through the outbox, ADR 0009): how many alerts, how many firing, where. */
export function alertReceipt(clock: Clock, placed: readonly PlacedAlert[], touched: readonly string[]): AuditEntry {
  return {
    kind: 'alert_received',
    at: clock.now(),
    incidentId: touched.length === 1 ? touched[0]! : null,
    details: {
      source: placed[0]!.alert.source,
      alerts: placed.length,
      firing: placed.filter((entry) => entry.alert.status === 'firing').length,
      incidents: touched,
    },
  };
}

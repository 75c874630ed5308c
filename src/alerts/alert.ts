/** Where an alert came from. */
export type AlertSource = 'alertmanager' | 'grafana' | 'generic';

export type AlertStatus = 'firing' | 'resolved';

/**
 * Severity, normalised from the `severity` label. Order matters: earlier is worse.
 * Unknown or missing severities become `warning`.
 */
export const severities = ['critical', 'high', 'warning', 'info'] as const;
export type Severity = (typeof severities)[number];

/** One alert as AWOOOI keeps it, whatever sent it. Platform-neutral. */
export interface Alert {
  /** Stable identity: the sender's fingerprint, or a hash of the sorted labels when absent. */
  fingerprint: string;
  /** `alertname` label, or the generic payload's name. */
  name: string;
  status: AlertStatus;
  severity: Severity;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date;
  /** Null while firing (Alertmanager sends 0001-01-01 for "not ended"). */
  endsAt: Date | null;
  source: AlertSource;
  /** Alertmanager/Grafana group key; alerts of one group form one incident. Null for generic alerts. */
  groupKey: string | null;
  generatorUrl: string | null;
}

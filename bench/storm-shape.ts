// The storm shape of issue 6: Alertmanager v4 webhooks of `group_by: [alertname]` groups that live for hours,
// each holding alerts of up to 100 services across namespaces, re-sent every group_interval as a snapshot:
// mostly unchanged re-sends, some new alerts, some resolved. Services come from a generated topology of a few
// hundred services with dependencies, so correlation and the neighbourhood locks have real work.
import { createHash } from 'node:crypto';
import { prng } from './prng.ts';

export const alertNames = [
  'KubePodCrashLooping',
  'KubePodNotReady',
  'KubeContainerWaiting',
  'KubeDeploymentReplicasMismatch',
  'CPUThrottlingHigh',
  'HighErrorRate',
  'HighLatency',
  'TargetDown',
  'KubeHpaMaxedOut',
  'ContainerOOMKilled',
  'PodRestartsHigh',
  'ProbeFailures',
  'SLOBurnRateFast',
  'SLOBurnRateSlow',
  'ConnectionPoolExhausted',
  'QueueBacklogGrowing',
  'CacheHitRateLow',
  'DiskPressure',
  'MemoryPressure',
  'CertificateExpiringSoon',
] as const;

export interface StormService {
  name: string;
  kind: 'service' | 'database' | 'cache' | 'queue';
  namespace: string;
  dependsOn: string[];
}

/** A layered topology: edge services → mid services (a DAG among themselves) → databases, caches, queues. */
export function stormTopology(size = 300, seed = 7): StormService[] {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const backends = Math.round(size * 0.2);
  const edges = Math.round(size * 0.2);
  const services: StormService[] = Array.from({ length: size }, (_, index) => {
    const backend = index >= size - backends;
    const kind = backend ? pick(['database', 'database', 'cache', 'queue'] as const) : 'service';
    const prefix = kind === 'service' ? 'svc' : kind === 'database' ? 'db' : kind;
    return { name: `${prefix}-${index}`, kind, namespace: `ns-${index % 20}`, dependsOn: [] };
  });
  for (const [index, service] of services.entries()) {
    if (service.kind !== 'service') continue;
    const depends = new Set<string>();
    const mids = services.slice(Math.max(index + 1, edges), size - backends);
    const stores = services.slice(size - backends);
    for (let n = 0; n < (index < edges ? 3 : 2) && mids.length > 0; n++) depends.add(pick(mids).name);
    for (let n = 0; n < 1 + Math.floor(random() * 2); n++) depends.add(pick(stores).name);
    service.dependsOn = [...depends];
  }
  return services;
}

/** The topology file of `stormTopology` (YAML is a superset of JSON). */
export function topologyFile(services: readonly StormService[]): string {
  return JSON.stringify({ services });
}

interface StormAlert {
  fingerprint: string;
  labels: Record<string, string>;
  startsAt: string;
  /** Set once resolved; the snapshot carries it once more, then drops it. */
  endsAt: string | null;
}

/** One webhook body and what the bench needs to know about it. */
export interface StormBatch {
  group: number;
  body: string;
  alerts: number;
  /** Whether the snapshot differs from the group's previous one (new or resolved alerts). */
  changed: boolean;
  /** The same alerts in Alertmanager's API v2 shape (POST /api/v2/alerts). */
  alertmanagerBody: () => string;
}

const annotationsOf = (labels: Record<string, string>) => ({
  summary: `${labels['alertname']} on ${labels['service']}`,
  description: `${labels['alertname']}: pod ${labels['namespace']}/${labels['pod']} of ${labels['service']} needs attention.`,
  runbook_url: `https://runbooks.example.com/${labels['alertname']}`,
});

/**
 * Groups evolving snapshot by snapshot. `next(group)` applies the group's changes since its last send (a few new
 * alerts while it holds fewer than `maxAlerts`, a few resolved once it is full) and returns its snapshot.
 */
export class StormGroups {
  readonly #random: () => number;
  readonly #services: readonly StormService[];
  readonly #groups: { name: string; alerts: StormAlert[]; pods: number }[];
  readonly #maxAlerts: number;
  readonly #changeRate: number;

  constructor(options: { services: readonly StormService[]; groups: number; maxAlerts?: number; changeRate?: number; seed?: number; namePrefix?: string }) {
    this.#random = prng(options.seed ?? 11);
    this.#services = options.services;
    this.#maxAlerts = options.maxAlerts ?? 100;
    this.#changeRate = options.changeRate ?? 0.03;
    this.#groups = Array.from({ length: options.groups }, (_, index) => ({
      name: `${options.namePrefix ?? ''}${alertNames[index % alertNames.length]}${index >= alertNames.length ? `-${Math.floor(index / alertNames.length)}` : ''}`,
      alerts: [],
      pods: 0,
    }));
  }

  get groupCount(): number {
    return this.#groups.length;
  }

  /** Adds `count` new firing alerts to a group, on random services. */
  grow(group: number, count: number, now = new Date()): void {
    const state = this.#groups[group]!;
    for (let index = 0; index < count; index++) {
      const service = this.#services[Math.floor(this.#random() * this.#services.length)]!;
      const pod = `${service.name}-7d9f8b6c5d-${podSuffix(state.pods++)}`;
      const labels = {
        alertname: state.name,
        namespace: service.namespace,
        service: service.name,
        pod,
        severity: this.#random() < 0.2 ? 'critical' : 'warning',
        prometheus: 'monitoring/k8s',
      };
      const fingerprint = createHash('sha1').update(JSON.stringify(labels)).digest('hex').slice(0, 16);
      state.alerts.push({ fingerprint, labels, startsAt: now.toISOString(), endsAt: null });
    }
  }

  /** The group's next snapshot: resolved alerts of the last one dropped, then a few changes applied. */
  next(group: number, now = new Date()): StormBatch {
    const state = this.#groups[group]!;
    state.alerts = state.alerts.filter((alert) => alert.endsAt === null);
    const firing = state.alerts.length;
    const changes = Math.floor(this.#random() * this.#changeRate * 2 * this.#maxAlerts + 0.5);
    if (firing < this.#maxAlerts) this.grow(group, Math.min(this.#maxAlerts - firing, Math.max(1, changes)), now);
    else
      for (let index = 0; index < changes; index++) {
        const alert = state.alerts[Math.floor(this.#random() * state.alerts.length)]!;
        alert.endsAt ??= now.toISOString();
      }
    return this.snapshot(group, state.alerts.length !== firing || changes > 0 || firing < this.#maxAlerts);
  }

  /** A snapshot of `size` alerts of a (possibly huge) group: mostly re-sends of existing ones, a few new. */
  slice(group: number, size: number, fresh: number, now = new Date()): StormBatch {
    const state = this.#groups[group]!;
    const start = state.alerts.length;
    this.grow(group, fresh, now);
    const picked = new Set<number>(Array.from({ length: fresh }, (_, index) => start + index));
    while (picked.size < Math.min(size, state.alerts.length)) picked.add(Math.floor(this.#random() * start));
    return this.#batch(
      group,
      [...picked].map((index) => state.alerts[index]!),
      fresh > 0,
    );
  }

  snapshot(group: number, changed = false): StormBatch {
    return this.#batch(group, this.#groups[group]!.alerts, changed);
  }

  #batch(group: number, alerts: readonly StormAlert[], changed: boolean): StormBatch {
    const name = this.#groups[group]!.name;
    const body = JSON.stringify({
      version: '4',
      groupKey: `{}/{}:{alertname="${name}"}`,
      truncatedAlerts: 0,
      status: alerts.some((alert) => alert.endsAt === null) ? 'firing' : 'resolved',
      receiver: 'awoooi',
      groupLabels: { alertname: name },
      commonLabels: { alertname: name, prometheus: 'monitoring/k8s' },
      commonAnnotations: {},
      externalURL: 'http://alertmanager.monitoring:9093',
      alerts: alerts.map((alert) => ({
        status: alert.endsAt === null ? 'firing' : 'resolved',
        labels: alert.labels,
        annotations: annotationsOf(alert.labels),
        startsAt: alert.startsAt,
        endsAt: alert.endsAt ?? '0001-01-01T00:00:00Z',
        generatorURL: `http://prometheus.monitoring:9090/graph?g0.expr=${encodeURIComponent(alert.labels['alertname']!)}`,
        fingerprint: alert.fingerprint,
      })),
    });
    const snapshot = alerts.map((alert) => ({ ...alert }));
    return {
      group,
      body,
      alerts: alerts.length,
      changed,
      alertmanagerBody: () =>
        JSON.stringify(
          snapshot.map((alert) => ({
            labels: alert.labels,
            annotations: annotationsOf(alert.labels),
            startsAt: alert.startsAt,
            ...(alert.endsAt === null ? {} : { endsAt: alert.endsAt }),
            generatorURL: `http://prometheus.monitoring:9090/graph?g0.expr=${encodeURIComponent(alert.labels['alertname']!)}`,
          })),
        ),
    };
  }
}

// Kubernetes' generated-suffix alphabet, so serviceOfAlert would strip it like a real pod name.
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
function podSuffix(index: number): string {
  let text = '';
  let rest = index;
  for (let position = 0; position < 5; position++) {
    text += alphabet[rest % alphabet.length];
    rest = Math.floor(rest / alphabet.length);
  }
  return text;
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { baseRiskOf, validatePlannedAction } from '../../../src/actions/action-catalog.ts';
import { parseAlertmanager } from '../../../src/alerts/parse-alertmanager.ts';
import { analyzeIncident } from '../../../src/analysis/analyze-incident.ts';
import { diagnosisInput } from '../../../src/analysis/diagnosis-input.ts';
import { RuleBrain, diagnoseWithRules } from '../../../src/brain/rule-brain.ts';
import type { Diagnosis, DiagnosisInput } from '../../../src/ports/brain-port.ts';
import { parseTopology } from '../../../src/topology/parse-topology.ts';
import { serviceOfAlert } from '../../../src/topology/service-of-alert.ts';
import { TopologyGraph } from '../../../src/topology/topology-graph.ts';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8'));
const topology = parseTopology(readFileSync(new URL('../../../adapters/sandbox/demo-topology.yaml', import.meta.url), 'utf8'));
if (!topology.ok) throw new Error(topology.errors.join('\n'));
const graph = TopologyGraph.build(topology.services);

interface AlertSpec {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  status?: 'firing' | 'resolved';
}

/** Alerts as Alertmanager sends them, through the same parsing, mapping and analysis as the live path. */
function incident(alerts: AlertSpec[]): DiagnosisInput {
  const payload = {
    version: '4',
    groupKey: '{}:{alertname="test"}',
    status: 'firing',
    alerts: alerts.map((alert, index) => ({
      status: alert.status ?? 'firing',
      labels: alert.labels,
      annotations: alert.annotations ?? {},
      startsAt: alert.startsAt ?? `2024-05-01T10:0${index}:00Z`,
      endsAt: alert.status === 'resolved' ? '2024-05-01T10:30:00Z' : '0001-01-01T00:00:00Z',
    })),
  };
  return fromPayload(payload);
}

function fromPayload(payload: unknown): DiagnosisInput {
  const parsed = parseAlertmanager(payload);
  if (!parsed.ok) throw new Error(parsed.issues.join('\n'));
  const mapped = parsed.alerts.map((alert) => ({ ...alert, service: serviceOfAlert(alert.labels) }));
  const analysis = analyzeIncident(mapped, graph, 3);
  const services = [...new Set(mapped.flatMap((alert) => (alert.service ? [alert.service] : [])))];
  return diagnosisInput({ title: 'test', severity: mapped[0]?.severity ?? 'warning', services, alerts: mapped }, analysis, graph);
}

function planned(diagnosis: Diagnosis, index = 0) {
  const proposal = diagnosis.proposals[index];
  if (proposal === undefined) throw new Error(`no proposal ${index}: ${diagnosis.summary}`);
  const validated = validatePlannedAction(proposal.planned);
  if (!validated.ok) throw new Error(validated.error.message);
  return validated.action;
}

const crashLooping = (pod: string, extra: Record<string, string> = {}): AlertSpec => ({
  labels: {
    alertname: 'KubePodCrashLooping',
    namespace: 'payments',
    pod,
    container: 'api',
    reason: 'CrashLoopBackOff',
    job: 'kube-state-metrics',
    severity: 'warning',
    ...extra,
  },
  annotations: { summary: 'Pod is crash looping.' },
});

describe('RuleBrain', () => {
  it('is a BrainPort that always answers, from rules', async () => {
    const result = await new RuleBrain().diagnose(fromPayload(fixture));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.diagnosis.source).toBe('rules');
    expect(new RuleBrain().description).toMatch(/rules/);
  });

  it('restarts the deployment that owns a crash-looping pod, and names rollback as the alternative', () => {
    const diagnosis = diagnoseWithRules(fromPayload(fixture));
    expect(planned(diagnosis)).toEqual({ action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'payments', name: 'api' }, params: {} });
    expect(diagnosis.proposals).toHaveLength(1);
    expect(diagnosis.proposals[0]!.reason).toBe(
      'KubePodCrashLooping: pod payments/api-7d9f-x2k is crash-looping (CrashLoopBackOff) since 10:00:00Z; api is the likely root cause (score 1.00)',
    );
    expect(diagnosis.summary).toMatch(/^api is the likely root cause: "api" is alerting: KubePodCrashLooping \(warning\) since 10:00:00Z\./);
    expect(diagnosis.summary).toContain('Affected upstream: payments, checkout and storefront.');
    expect(diagnosis.summary).toContain('rolling back payments/api to its previous revision is the alternative');
  });

  it('treats any alert with reason CrashLoopBackOff as a crash loop', () => {
    const diagnosis = diagnoseWithRules(
      incident([
        {
          labels: {
            alertname: 'KubeContainerWaiting',
            namespace: 'shop',
            pod: 'checkout-7d9f8b6c5d-x2k4p',
            container: 'checkout',
            reason: 'CrashLoopBackOff',
            severity: 'warning',
          },
        },
      ]),
    );
    expect(planned(diagnosis).target).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'checkout' });
  });

  it('takes the namespace from the topology when the alert has no namespace label', () => {
    const diagnosis = diagnoseWithRules(incident([{ labels: { alertname: 'KubePodCrashLooping', pod: 'checkout-7d9f8b6c5d-x2k4p', severity: 'warning' } }]));
    expect(planned(diagnosis).target).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'checkout' });
  });

  it('proposes nothing for a crash-looping StatefulSet pod, and says why', () => {
    const diagnosis = diagnoseWithRules(
      incident([
        {
          labels: {
            alertname: 'KubePodCrashLooping',
            namespace: 'shop',
            pod: 'orders-db-0',
            container: 'postgres',
            reason: 'CrashLoopBackOff',
            severity: 'warning',
          },
        },
      ]),
    );
    expect(diagnosis.proposals).toEqual([]);
    expect(diagnosis.summary).toContain('Pod shop/orders-db-0 is crash-looping, but nothing is proposed: pod orders-db-0 is not named like a Deployment');
    expect(diagnosis.summary).toContain('No automatic action proposed');
  });

  it('proposes one restart for several crash-looping pods of one deployment', () => {
    const diagnosis = diagnoseWithRules(incident([crashLooping('api-7d9f-x2k'), crashLooping('api-7d9f-m4n')]));
    expect(diagnosis.proposals).toHaveLength(1);
  });

  it('scales a deployment back to its desired replicas when the alert says them', () => {
    const diagnosis = diagnoseWithRules(
      incident([
        {
          // kube-state-metrics scraped without label clean-up: pod/service/container name the exporter, not the workload.
          labels: {
            alertname: 'KubeDeploymentReplicasMismatch',
            namespace: 'shop',
            deployment: 'checkout',
            container: 'kube-rbac-proxy-main',
            job: 'kube-state-metrics',
            pod: 'kube-state-metrics-6d7746678c-stb8l',
            severity: 'warning',
            desired_replicas: '3',
          },
          annotations: { description: 'Deployment shop/checkout has not matched the expected number of replicas for longer than 15 minutes.' },
        },
      ]),
    );
    const action = planned(diagnosis);
    expect(action).toEqual({ action: 'scale_deployment', target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' }, params: { replicas: 3 } });
    expect(baseRiskOf(action)).toBe('MEDIUM');
    expect(diagnosis.proposals[0]!.reason).toContain('does not run its desired 3 replicas');
  });

  it('restarts a deployment whose replicas mismatch when the desired count is unknown', () => {
    const diagnosis = diagnoseWithRules(
      incident([
        { labels: { alertname: 'KubeDeploymentReplicasMismatch', namespace: 'shop', deployment: 'cart', job: 'kube-state-metrics', severity: 'warning' } },
      ]),
    );
    expect(planned(diagnosis)).toEqual({ action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'shop', name: 'cart' }, params: {} });
    expect(diagnosis.summary).toContain('no scaling is proposed');
  });

  it('never acts on a filling volume or filesystem: diagnosis only', () => {
    const volume = diagnoseWithRules(
      incident([
        {
          labels: {
            alertname: 'KubePersistentVolumeFillingUp',
            namespace: 'shop',
            persistentvolumeclaim: 'data-orders-db-0',
            job: 'kubelet',
            metrics_path: '/metrics',
            severity: 'critical',
          },
          annotations: { description: 'The PersistentVolume claimed by data-orders-db-0 in Namespace shop is only 2.91% free.' },
        },
      ]),
    );
    expect(volume.proposals).toEqual([]);
    expect(volume.summary).toContain('Volume shop/data-orders-db-0 is filling up (KubePersistentVolumeFillingUp): no automatic action');
    const filesystem = diagnoseWithRules(
      incident([
        {
          labels: {
            alertname: 'NodeFilesystemSpaceFillingUp',
            device: '/dev/nvme0n1p1',
            fstype: 'ext4',
            instance: '10.0.1.12:9100',
            job: 'node-exporter',
            mountpoint: '/var',
            severity: 'warning',
          },
        },
      ]),
    );
    expect(filesystem.proposals).toEqual([]);
    expect(filesystem.summary).toContain('Filesystem /var on 10.0.1.12:9100 is filling up');
  });

  it('restarts the deployment behind a TargetDown', () => {
    const diagnosis = diagnoseWithRules(
      incident([
        {
          labels: { alertname: 'TargetDown', job: 'checkout', namespace: 'shop', service: 'checkout', severity: 'warning' },
          annotations: { description: '100% of the checkout/checkout targets in shop namespace are down.' },
        },
      ]),
    );
    expect(planned(diagnosis)).toEqual({ action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' }, params: {} });
    expect(diagnosis.proposals[0]!.reason).toMatch(/^TargetDown: Prometheus cannot scrape checkout in shop since 10:00:00Z/);
  });

  it('cordons a NotReady node, a HIGH risk action', () => {
    const diagnosis = diagnoseWithRules(
      incident([
        { labels: { alertname: 'KubeNodeNotReady', condition: 'Ready', node: 'node-b', status: 'true', job: 'kube-state-metrics', severity: 'warning' } },
      ]),
    );
    const action = planned(diagnosis);
    expect(action).toEqual({ action: 'cordon_node', target: { kind: 'Node', name: 'node-b' }, params: {} });
    expect(baseRiskOf(action)).toBe('HIGH');
    expect(diagnosis.proposals[0]!.reason).toBe('KubeNodeNotReady: node node-b has been NotReady since 10:00:00Z');
  });

  it('diagnoses an unknown alert from its root cause only', () => {
    const diagnosis = diagnoseWithRules(incident([{ labels: { alertname: 'PostgresDown', namespace: 'shop', service: 'orders-db', severity: 'critical' } }]));
    expect(diagnosis.proposals).toEqual([]);
    expect(diagnosis.summary).toMatch(/^orders-db is the likely root cause: "orders-db" is alerting: PostgresDown \(critical\)/);
    expect(diagnosis.summary).toContain('No rule covers PostgresDown on orders-db.');
  });

  it('leaves symptoms alone: a pod crash-looping because its database is down gets no restart', () => {
    const diagnosis = diagnoseWithRules(
      incident([
        { labels: { alertname: 'PostgresDown', namespace: 'shop', service: 'orders-db', severity: 'critical' }, startsAt: '2024-05-01T10:00:00Z' },
        { ...crashLooping('api-7d9f-x2k'), startsAt: '2024-05-01T10:02:00Z' },
      ]),
    );
    expect(diagnosis.proposals).toEqual([]);
    expect(diagnosis.summary).toMatch(/^orders-db is the likely root cause: .*, and api, alerting too, depends on it\./);
    expect(diagnosis.summary).toContain('KubePodCrashLooping on api: a symptom of orders-db, no action of its own.');
  });

  it('still acts on an independent problem in the same incident, best root cause first', () => {
    const diagnosis = diagnoseWithRules(
      incident([crashLooping('api-7d9f-x2k'), { labels: { alertname: 'KubeNodeNotReady', node: 'node-c', job: 'kube-state-metrics', severity: 'warning' } }]),
    );
    expect(diagnosis.proposals.map((proposal) => (proposal.planned as { action: string }).action)).toEqual(['restart_deployment', 'cordon_node']);
  });

  it('proposes nothing once every alert has resolved', () => {
    const diagnosis = diagnoseWithRules(incident([{ ...crashLooping('api-7d9f-x2k'), status: 'resolved' }]));
    expect(diagnosis.proposals).toEqual([]);
    expect(diagnosis.summary).toMatch(/resolved/);
  });

  it('refuses, with a reason, a target name the catalog would reject', () => {
    const diagnosis = diagnoseWithRules(incident([{ labels: { alertname: 'KubeNodeNotReady', node: 'Node_B!', severity: 'warning' } }]));
    expect(diagnosis.proposals).toEqual([]);
    expect(diagnosis.summary).toContain('is not a valid DNS-1123 name');
  });
});

import { describe, expect, it } from 'vitest';
import { diagnosisInput } from '../../../src/analysis/diagnosis-input.ts';
import { TopologyGraph } from '../../../src/topology/topology-graph.ts';

const graph = TopologyGraph.build([
  { name: 'checkout', kind: 'service', namespace: 'shop', dependsOn: ['orders-db'] },
  { name: 'orders-db', kind: 'database', namespace: 'shop', dependsOn: [] },
  { name: 'card-processor', kind: 'external', dependsOn: [] },
]);

describe('diagnosisInput', () => {
  const alert = {
    name: 'PostgresDown',
    status: 'firing' as const,
    severity: 'page',
    service: 'orders-db',
    labels: { alertname: 'PostgresDown' },
    annotations: { summary: 'down' },
    startsAt: new Date('2024-05-01T10:00:00Z'),
  };
  const analysis = {
    rootCauses: [{ service: 'orders-db', kind: 'database' as const, score: 1, alerting: true, explains: ['orders-db'], evidence: ['e'] }],
    blastRadius: [{ service: 'checkout', depth: 1 }],
  };

  it('carries the facts as plain JSON, with normalised severities and ISO times', () => {
    const input = diagnosisInput({ title: 'PostgresDown on orders-db', severity: 'critical', services: ['orders-db'], alerts: [alert] }, analysis, graph);
    expect(input.alerts[0]).toEqual({ ...alert, severity: 'critical', startsAt: '2024-05-01T10:00:00.000Z' });
    expect(JSON.parse(JSON.stringify(input))).toEqual(input);
  });

  it('adds kind and namespace of the services it names that the topology knows', () => {
    const input = diagnosisInput(
      { title: 't', severity: 'warning', services: ['orders-db', 'ghost'], alerts: [{ ...alert, service: 'ghost', startsAt: '2024-05-01T10:00:00Z' }] },
      analysis,
      graph,
    );
    expect(input.topology).toEqual([
      { service: 'orders-db', kind: 'database', namespace: 'shop' },
      { service: 'checkout', kind: 'service', namespace: 'shop' },
    ]);
    expect(diagnosisInput({ title: 't', severity: 'warning', services: [], alerts: [] }, analysis, null).topology).toEqual([]);
  });
});

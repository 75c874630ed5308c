import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/alerts/alert.ts';
import { correlateAlerts, type OpenIncidentSummary, type ServiceAlert } from '../../../src/incidents/correlate-alerts.ts';
import { correlationNeighborhood } from '../../../src/incidents/correlation-neighborhood.ts';
import { TopologyGraph } from '../../../src/topology/topology-graph.ts';

const graph = TopologyGraph.build([
  { name: 'storefront', kind: 'ingress', dependsOn: ['checkout'] },
  { name: 'checkout', kind: 'service', dependsOn: ['payments', 'orders-db'] },
  { name: 'payments', kind: 'service', dependsOn: ['orders-db'] },
  { name: 'orders-db', kind: 'database', dependsOn: [] },
  { name: 'search', kind: 'service', dependsOn: ['search-index'] },
  { name: 'search-index', kind: 'database', dependsOn: [] },
]);
const options = { graph, windowMilliseconds: 5 * 60_000, maxDepth: 3 };

function alert(service: string | null, minute: number, overrides: Partial<Alert> = {}): ServiceAlert {
  return {
    fingerprint: `${service}-${minute}`,
    name: 'HighLatency',
    status: 'firing',
    severity: 'warning',
    labels: {},
    annotations: {},
    startsAt: new Date(Date.UTC(2024, 0, 1, 10, minute)),
    endsAt: null,
    source: 'alertmanager',
    groupKey: null,
    generatorUrl: null,
    service,
    ...overrides,
  };
}

describe('correlateAlerts', () => {
  it('puts connected services inside the window into one new incident', () => {
    const result = correlateAlerts([alert('orders-db', 0), alert('checkout', 2), alert('storefront', 4)], [], options);
    expect(result.newIncidents).toHaveLength(1);
    expect(result.newIncidents[0]!.services).toEqual(['orders-db', 'checkout', 'storefront']);
    expect(result.assignments.every((reference) => reference.kind === 'new' && reference.index === 0)).toBe(true);
  });

  it('keeps unconnected services apart even inside the window', () => {
    const result = correlateAlerts([alert('orders-db', 0), alert('search', 1)], [], options);
    expect(result.newIncidents).toHaveLength(2);
  });

  it('opens a new incident when a connected alert comes after the window', () => {
    const result = correlateAlerts([alert('orders-db', 0), alert('checkout', 6)], [], options);
    expect(result.newIncidents).toHaveLength(2);
  });

  it('measures the window from the latest alert of the incident, so a slow cascade stays together', () => {
    const result = correlateAlerts([alert('orders-db', 0), alert('payments', 4), alert('checkout', 8)], [], options);
    expect(result.newIncidents).toHaveLength(1);
  });

  it('keeps one Alertmanager group in one incident whatever the topology says, while its alerts come within the window', () => {
    const group = { groupKey: '{}:{alertname="X"}' };
    const result = correlateAlerts([alert('orders-db', 0, group), alert('search', 4, group), alert('search-index', 8, group)], [], options);
    expect(result.newIncidents).toHaveLength(1);
    // Half an hour later the same group starts anew.
    const later = correlateAlerts([alert('orders-db', 0, group), alert('search', 30, group)], [], options);
    expect(later.newIncidents).toHaveLength(2);
  });

  it('never joins an open incident of the same group key opened long ago (a crash loop today is not that incident)', () => {
    const ancient = new Date(Date.UTC(2021, 5, 1, 10));
    const open: OpenIncidentSummary[] = [{ id: 'old', groupKey: 'g-1', services: ['payments'], openedAt: ancient, lastAlertAt: ancient }];
    const result = correlateAlerts([alert('search', 0, { groupKey: 'g-1' })], open, options);
    expect(result.assignments).toEqual([{ kind: 'new', index: 0 }]);
  });

  it('joins an open incident, by group or by topology, without touching the caller data', () => {
    const open: OpenIncidentSummary[] = [
      { id: 'a', groupKey: 'g-1', services: ['search'], openedAt: new Date(Date.UTC(2024, 0, 1, 9)), lastAlertAt: new Date(Date.UTC(2024, 0, 1, 9)) },
      { id: 'b', groupKey: 'g-2', services: ['orders-db'], openedAt: new Date(Date.UTC(2024, 0, 1, 10)), lastAlertAt: new Date(Date.UTC(2024, 0, 1, 10)) },
    ];
    const result = correlateAlerts([alert('search-index', -58, { groupKey: 'g-1' }), alert('checkout', 3)], open, options);
    expect(result.assignments).toEqual([
      { kind: 'existing', id: 'a' },
      { kind: 'existing', id: 'b' },
    ]);
    expect(result.newIncidents).toHaveLength(0);
    expect(open[1]!.services).toEqual(['orders-db']);
  });

  it('never joins alerts without a service by topology', () => {
    const result = correlateAlerts([alert(null, 0), alert(null, 1)], [], options);
    expect(result.newIncidents).toHaveLength(2);
  });
});

describe('correlationNeighborhood', () => {
  it('holds every service connected() can match, and not the unrelated ones', () => {
    const neighborhood = correlationNeighborhood(graph, ['payments'], 3).sort();
    expect(neighborhood).toEqual(['checkout', 'orders-db', 'payments', 'storefront']);
    for (const name of ['storefront', 'checkout', 'orders-db', 'search', 'search-index']) {
      const connected = graph.connected(graph.indexOf('payments'), graph.indexOf(name), 3);
      expect(neighborhood.includes(name)).toBe(connected);
    }
  });

  it('keeps services the topology does not know, alone', () => {
    expect(correlationNeighborhood(graph, ['unknown-service'], 3)).toEqual(['unknown-service']);
  });
});

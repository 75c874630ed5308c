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

  it('keeps one Alertmanager group in one incident while its alerts come within the window, where the topology cannot tell', () => {
    const group = { groupKey: '{}:{alertname="X"}' };
    const result = correlateAlerts([alert('orders-db', 0, group), alert('not-in-topology', 4, group), alert(null, 8, group)], [], options);
    expect(result.newIncidents).toHaveLength(1);
    // Half an hour later the same group starts anew.
    const later = correlateAlerts([alert('orders-db', 0, group), alert('not-in-topology', 30, group)], [], options);
    expect(later.newIncidents).toHaveLength(2);
  });

  it('keeps unrelated applications of one Alertmanager group apart (group_by: [alertname] across namespaces)', () => {
    const group = { groupKey: '{}:{alertname="KubePodCrashLooping"}', name: 'KubePodCrashLooping' };
    const result = correlateAlerts([alert('orders-db', 0, group), alert('search', 1, group), alert('search-index', 2, group)], [], options);
    expect(result.newIncidents.map((draft) => draft.services)).toEqual([['orders-db'], ['search', 'search-index']]);
    expect(result.merges).toEqual([]);
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

describe('correlateAlerts merges incidents an alert connects', () => {
  // The herd: cart's cache goes down, then its database runs out of connections. Siblings: neither depends on the other.
  const herd = TopologyGraph.build([
    { name: 'storefront', kind: 'ingress', dependsOn: ['cart', 'catalog'] },
    { name: 'cart', kind: 'service', dependsOn: ['cart-cache', 'cart-db'] },
    { name: 'cart-cache', kind: 'cache', dependsOn: [] },
    { name: 'cart-db', kind: 'database', dependsOn: [] },
    { name: 'catalog', kind: 'service', dependsOn: ['catalog-db'] },
    { name: 'catalog-db', kind: 'database', dependsOn: [] },
  ]);
  const herdOptions = { graph: herd, windowMilliseconds: 5 * 60_000, maxDepth: 3 };
  const at = (minute: number) => new Date(Date.UTC(2024, 0, 1, 10, minute));
  const open = (id: string, services: string[], minute: number): OpenIncidentSummary => ({
    id,
    groupKey: null,
    services,
    openedAt: at(minute),
    lastAlertAt: at(minute),
  });

  it('keeps siblings apart while no service above both alerts', () => {
    const result = correlateAlerts([alert('cart-cache', 0), alert('cart-db', 1)], [], herdOptions);
    expect(result.newIncidents).toHaveLength(2);
  });

  it('merges the cache and the database incidents into the oldest when the service above both alerts', () => {
    const incidents = [open('db-incident', ['cart-db'], 1), open('cache-incident', ['cart-cache'], 0)];
    const result = correlateAlerts([alert('cart', 2)], incidents, herdOptions);
    expect(result.assignments).toEqual([{ kind: 'existing', id: 'cache-incident' }]);
    expect(result.merges).toEqual([{ from: 'db-incident', into: 'cache-incident' }]);
    expect(result.newIncidents).toEqual([]);
    expect(incidents[0]!.services).toEqual(['cart-db']);
  });

  it('merges two roots under one front end, and what comes after joins the survivor', () => {
    const incidents = [open('cart', ['cart-db'], 0), open('catalog', ['catalog-db'], 1)];
    const result = correlateAlerts([alert('storefront', 3), alert('catalog', 4)], incidents, herdOptions);
    expect(result.merges).toEqual([{ from: 'catalog', into: 'cart' }]);
    expect(result.assignments).toEqual([
      { kind: 'existing', id: 'cart' },
      { kind: 'existing', id: 'cart' },
    ]);
  });

  it('folds incidents the same batch would open into one when a later alert of the batch connects them', () => {
    const result = correlateAlerts([alert('cart-cache', 0), alert('cart-db', 1), alert('cart', 2), alert('catalog-db', 2)], [], herdOptions);
    expect(result.newIncidents.map((draft) => draft.services)).toEqual([['cart-cache', 'cart-db', 'cart'], ['catalog-db']]);
    expect(result.assignments).toEqual([
      { kind: 'new', index: 0 },
      { kind: 'new', index: 0 },
      { kind: 'new', index: 0 },
      { kind: 'new', index: 1 },
    ]);
    expect(result.merges).toEqual([]);
  });

  it('merges an open incident with one the batch opens: the open one survives and nothing new opens', () => {
    const result = correlateAlerts([alert('cart-db', 1), alert('cart', 2)], [open('cache-incident', ['cart-cache'], 0)], herdOptions);
    expect(result.newIncidents).toEqual([]);
    expect(result.assignments).toEqual([
      { kind: 'existing', id: 'cache-incident' },
      { kind: 'existing', id: 'cache-incident' },
    ]);
    expect(result.merges).toEqual([]);
  });

  it('never merges incidents outside the window of the connecting alert', () => {
    const result = correlateAlerts([alert('cart', 20)], [open('cache-incident', ['cart-cache'], 0), open('db-incident', ['cart-db'], 19)], herdOptions);
    expect(result.merges).toEqual([]);
    expect(result.assignments).toEqual([{ kind: 'existing', id: 'db-incident' }]);
  });
});

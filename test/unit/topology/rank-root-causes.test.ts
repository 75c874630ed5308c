import { describe, expect, it } from 'vitest';
import type { Severity } from '../../../src/alerts/alert.ts';
import { type AlertingService, rankRootCauses } from '../../../src/topology/rank-root-causes.ts';
import type { ServiceKind } from '../../../src/topology/topology.ts';
import { TopologyGraph } from '../../../src/topology/topology-graph.ts';

const node = (name: string, kind: ServiceKind, dependsOn: string[] = []) => ({ name, kind, dependsOn });
const at = (time: string) => new Date(`2025-03-14T${time}Z`);
const alert = (service: string, name: string, time = '10:00:00', severity: Severity = 'critical'): AlertingService => ({
  service,
  alertNames: [name],
  severity,
  firstStartsAt: at(time),
});

// edge → checkout → {payments, cart}; payments → orders-db; cart → {sessions, orders-db}; mailer → queue
const shop = TopologyGraph.build([
  node('edge', 'ingress', ['checkout']),
  node('checkout', 'service', ['payments', 'cart']),
  node('payments', 'service', ['orders-db']),
  node('cart', 'service', ['sessions', 'orders-db']),
  node('mailer', 'service', ['mail-queue']),
  node('orders-db', 'database'),
  node('sessions', 'cache'),
  node('mail-queue', 'queue'),
]);

const order = (candidates: { service: string }[]) => candidates.map((c) => c.service);

describe('rankRootCauses', () => {
  it('prefers a database over a cache when both explain equally, even if the cache fired first', () => {
    const ranked = rankRootCauses(shop, [alert('sessions', 'RedisDown', '10:00:00'), alert('orders-db', 'PostgresDown', '10:05:00')]);
    expect(order(ranked)).toEqual(['orders-db', 'sessions']);
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score);
  });

  it('lets evidence beat the prior: a cache explaining 3 alerting services beats a database explaining 1', () => {
    const graph = TopologyGraph.build([
      node('checkout', 'service', ['sessions']),
      node('cart', 'service', ['sessions']),
      node('sessions', 'cache'),
      node('ledger-db', 'database'),
    ]);
    const ranked = rankRootCauses(graph, [
      alert('checkout', 'HighLatency'),
      alert('cart', 'HighErrorRate'),
      alert('sessions', 'RedisEvictions'),
      alert('ledger-db', 'PostgresReplicationLag'),
    ]);
    expect(ranked[0]).toMatchObject({ service: 'sessions', kind: 'cache', alerting: true, score: 0.75 });
    expect(ranked[0]!.explains).toEqual(['sessions', 'cart', 'checkout']);
    expect(order(ranked).indexOf('sessions')).toBeLessThan(order(ranked).indexOf('ledger-db'));
  });

  it('names a common dependency with no alert of its own', () => {
    const ranked = rankRootCauses(shop, [alert('checkout', 'HighLatency'), alert('cart', 'HighErrorRate'), alert('payments', 'HighErrorRate')]);
    const db = ranked[0]!;
    expect(db).toMatchObject({ service: 'orders-db', kind: 'database', alerting: false });
    expect(db.explains).toEqual(['cart', 'payments', 'checkout']);
    expect(db.evidence).toContain('no alert of its own, but cart, payments and checkout all depend on it');
    expect(db.evidence).toContain('checkout → payments → orders-db (2 hops); checkout is alerting: HighLatency');
    // sessions is a dependency of two alerting services too, but checkout reaches it only through cart.
    expect(order(ranked)).not.toContain('sessions');
  });

  it('does not suspect a silent dependency reached only through one alerting chain', () => {
    const ranked = rankRootCauses(shop, [alert('checkout', 'HighLatency'), alert('payments', 'HighErrorRate')]);
    expect(order(ranked)).toEqual(['payments', 'checkout']);
  });

  it('ranks an alerting dependency above the alerting service that depends on it', () => {
    const ranked = rankRootCauses(shop, [alert('checkout', 'HighLatency', '10:00:00'), alert('orders-db', 'PostgresDown', '10:00:03')]);
    expect(order(ranked)).toEqual(['orders-db', 'checkout']);
    expect(ranked[0]!.explains).toEqual(['orders-db', 'checkout']);
    expect(ranked[0]!.evidence).toEqual([
      '"orders-db" is alerting: PostgresDown (critical) since 10:00:03Z',
      'checkout → payments → orders-db (2 hops); checkout is alerting: HighLatency',
    ]);
    expect(ranked[1]!.explains).toEqual(['checkout']);
    expect(ranked[1]!.evidence).toContain('itself depends on alerting "orders-db": checkout → payments → orders-db (2 hops)');
  });

  it('breaks ties by who fired first, then by severity', () => {
    const earlier = rankRootCauses(shop, [alert('mailer', 'Errors', '10:00:05'), alert('edge', 'Errors', '10:00:01')]);
    expect(order(earlier)).toEqual(['edge', 'mailer']);
    const worse = rankRootCauses(shop, [alert('edge', 'Errors', '10:00:00', 'warning'), alert('mailer', 'Errors', '10:00:00', 'critical')]);
    expect(order(worse)).toEqual(['mailer', 'edge']);
  });

  it('follows dependencies only up to maxDepth', () => {
    const alerts = [alert('edge', 'Errors'), alert('orders-db', 'PostgresDown')];
    // edge → checkout → payments → orders-db is 3 hops.
    expect(rankRootCauses(shop, alerts)[0]!.explains).toEqual(['orders-db', 'edge']);
    expect(rankRootCauses(shop, alerts, { maxDepth: 2 })[0]!.explains).toEqual(['orders-db']);
  });

  it('uses a configured kind priority', () => {
    const alerts = [alert('sessions', 'RedisDown'), alert('orders-db', 'PostgresDown'), alert('mail-queue', 'Backlog')];
    expect(order(rankRootCauses(shop, alerts, { kindPriority: ['queue', 'cache'] }))).toEqual(['mail-queue', 'sessions', 'orders-db']);
  });

  it('keeps services missing from the topology as candidates that explain themselves', () => {
    const ranked = rankRootCauses(shop, [alert('ghost', 'Down'), alert('checkout', 'HighLatency')]);
    const ghost = ranked.find((c) => c.service === 'ghost');
    expect(ghost).toMatchObject({ kind: 'unknown', alerting: true, explains: ['ghost'] });
    expect(order(ranked)).toEqual(['checkout', 'ghost']);
  });

  it('merges repeated entries for one service: all alert names, worst severity, earliest start', () => {
    const ranked = rankRootCauses(shop, [
      alert('orders-db', 'PostgresSlowQueries', '10:02:00', 'warning'),
      alert('orders-db', 'PostgresDown', '10:01:00', 'critical'),
    ]);
    expect(ranked).toHaveLength(1);
    expect(ranked[0]!.evidence[0]).toBe('"orders-db" is alerting: PostgresSlowQueries, PostgresDown (critical) since 10:01:00Z');
  });

  it('scores in [0, 1], never increasing down the list, equal for equal evidence', () => {
    const ranked = rankRootCauses(shop, [
      alert('checkout', 'A'),
      alert('cart', 'B'),
      alert('payments', 'C'),
      alert('mailer', 'D'),
      alert('edge', 'E'),
      alert('ghost', 'F'),
    ]);
    const scores = ranked.map((c) => c.score);
    for (const s of scores) expect(s).toBeGreaterThan(0);
    expect(scores[0]).toBeLessThanOrEqual(1);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const mailer = ranked.find((c) => c.service === 'mailer')!;
    const edge = ranked.find((c) => c.service === 'edge')!;
    expect(mailer.score).toBe(edge.score);
    expect(rankRootCauses(shop, [])).toEqual([]);
  });
});

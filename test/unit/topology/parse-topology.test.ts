import { describe, expect, it } from 'vitest';
import { parseTopology } from '../../../src/topology/parse-topology.ts';

describe('parseTopology', () => {
  it('reads services with kinds, namespaces and dependencies', () => {
    const result = parseTopology(`
services:
  - name: checkout
    kind: service
    namespace: shop
    dependsOn: [payments, orders-db]
  - name: payments
    dependsOn: [orders-db, orders-db]
  - name: orders-db
    kind: database
`);
    expect(result).toEqual({
      ok: true,
      services: [
        { name: 'checkout', kind: 'service', namespace: 'shop', dependsOn: ['payments', 'orders-db'] },
        { name: 'payments', kind: 'service', dependsOn: ['orders-db'] },
        { name: 'orders-db', kind: 'database', dependsOn: [] },
      ],
    });
  });

  it.each(['', '# nothing yet\n', 'services:\n', 'services: []\n'])('treats %j as an empty topology', (text) => {
    expect(parseTopology(text)).toEqual({ ok: true, services: [] });
  });

  it('reports every problem at once, each naming where', () => {
    const result = parseTopology(`
services:
  - name: checkout
    dependsOn: [payments, cart]
  - name: cart
    kind: cache
  - kind: service
  - name: orders-db
    kind: databse
  - name: cart
    kind: queue
    depends_on: [checkout]
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        'services[0].dependsOn: "payments" is not a service in the topology',
        'services[2].name: missing',
        'services[3].kind: unknown kind "databse" (expected one of service, database, cache, queue, ingress, external)',
        'services[4].name: duplicate name "cart" (first declared at services[1])',
        expect.stringMatching(/^services\[4\]: unknown key "depends_on"/),
      ]),
    );
    expect(result.errors).toHaveLength(5);
  });

  it('does not call a dependency dangling just because its target has another error', () => {
    const result = parseTopology(`
services:
  - name: api
    dependsOn: [db]
  - name: db
    kind: postgres
`);
    expect(result).toEqual({
      ok: false,
      errors: ['services[1].kind: unknown kind "postgres" (expected one of service, database, cache, queue, ingress, external)'],
    });
  });

  it('reports wrong shapes, empty names and self-dependencies', () => {
    const result = parseTopology(`
services:
  - just-a-string
  - name: ""
  - name: loop
    dependsOn: [loop]
  - name: bad-deps
    dependsOn: loop
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      'services[0]: expected a mapping with name, kind and dependsOn, got string "just-a-string"',
      'services[1].name: must not be empty',
      'services[2].dependsOn: "loop" depends on itself',
      'services[3].dependsOn: expected array, got string "loop"',
    ]);
  });

  it('reports unknown top-level keys and a services value that is not a list', () => {
    expect(parseTopology('servics:\n  - name: a\n')).toEqual({
      ok: false,
      errors: ['topology: unknown key "servics" (expected "services")'],
    });
    expect(parseTopology('services:\n  name: a\n')).toEqual({
      ok: false,
      errors: ['services: expected a list of services, got a mapping'],
    });
    expect(parseTopology('- a\n- b\n')).toEqual({
      ok: false,
      errors: ['topology: expected a mapping with a "services" list, got a list'],
    });
  });

  it('reports YAML syntax errors with their line and column', () => {
    const result = parseTopology('services:\n  - name: a\n    dependsOn: [b\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^yaml: line \d+, column \d+: Flow sequence/);
  });

  it('reports duplicate YAML keys as syntax errors rather than keeping the last one', () => {
    const result = parseTopology('services:\n  - name: a\n    name: b\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toMatch(/^yaml: line 3, column 5: Map keys must be unique/);
  });
});

import { describe, expect, it } from 'vitest';
import { actionCatalog, baseRiskOf, describeAction, validatePlannedAction } from '../../../src/actions/action-catalog.ts';
import type { PlannedAction } from '../../../src/ports/cluster-port.ts';

const restart = { action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' }, params: {} };

function errorCode(input: unknown): string | null {
  const result = validatePlannedAction(input);
  return result.ok ? null : result.error.code;
}

describe('validatePlannedAction', () => {
  it('accepts a catalog action and returns only action, target and params', () => {
    const result = validatePlannedAction({ ...restart, reason: 'model chatter' });
    expect(result).toEqual({ ok: true, action: restart });
  });

  it('defaults absent params to none', () => {
    const { params: _ignored, ...withoutParams } = restart;
    expect(validatePlannedAction(withoutParams)).toEqual({ ok: true, action: restart });
  });

  it.each([
    ['an action outside the catalog', { ...restart, action: 'drop_table' }],
    ['a missing action', { target: restart.target }],
    ['a non-object', 'restart checkout'],
    ['null', null],
    ['an inherited property name', { ...restart, action: 'toString' }],
  ])('rejects %s as unknown_action', (_label, input) => {
    expect(errorCode(input)).toBe('unknown_action');
  });

  it.each([
    ['an extra parameter', { ...restart, params: { force: true } }],
    ['an extra scale parameter', { action: 'scale_deployment', target: restart.target, params: { replicas: 2, dryRun: false } }],
    ['replicas above 100', { action: 'scale_deployment', target: restart.target, params: { replicas: 101 } }],
    ['negative replicas', { action: 'scale_deployment', target: restart.target, params: { replicas: -1 } }],
    ['fractional replicas', { action: 'scale_deployment', target: restart.target, params: { replicas: 2.5 } }],
    ['replicas as a string', { action: 'scale_deployment', target: restart.target, params: { replicas: '3' } }],
    ['missing replicas', { action: 'scale_deployment', target: restart.target, params: {} }],
    ['revision zero', { action: 'rollback_deployment', target: restart.target, params: { toRevision: 0 } }],
    ['params that are not an object', { ...restart, params: [1] }],
  ])('rejects %s as invalid_params', (_label, input) => {
    expect(errorCode(input)).toBe('invalid_params');
  });

  it.each([
    ['a kind that does not match the action', { ...restart, target: { kind: 'Pod', namespace: 'shop', name: 'checkout' } }],
    ['an upper-case name', { ...restart, target: { kind: 'Deployment', namespace: 'shop', name: 'Checkout' } }],
    ['a name with a slash', { ...restart, target: { kind: 'Deployment', namespace: 'shop', name: 'a/b' } }],
    ['a name with shell characters', { ...restart, target: { kind: 'Deployment', namespace: 'shop', name: 'x;rm -rf' } }],
    ['a name ending in a dash', { ...restart, target: { kind: 'Deployment', namespace: 'shop', name: 'checkout-' } }],
    ['an empty name', { ...restart, target: { kind: 'Deployment', namespace: 'shop', name: '' } }],
    ['a name of 254 characters', { ...restart, target: { kind: 'Deployment', namespace: 'shop', name: 'a'.repeat(254) } }],
    ['a missing namespace', { ...restart, target: { kind: 'Deployment', name: 'checkout' } }],
    ['a namespace with a dot', { ...restart, target: { kind: 'Deployment', namespace: 'sh.op', name: 'checkout' } }],
    ['a namespace on a node', { action: 'cordon_node', target: { kind: 'Node', namespace: 'shop', name: 'node-a' } }],
    ['a namespace name with a dot', { action: 'delete_namespace', target: { kind: 'Namespace', name: 'a.b' } }],
    ['extra target keys', { ...restart, target: { ...restart.target, uid: 'x' } }],
    ['no target', { action: 'restart_deployment', params: {} }],
  ])('rejects %s as invalid_target', (_label, input) => {
    expect(errorCode(input)).toBe('invalid_target');
  });

  it('accepts dotted object names (DNS-1123 subdomain) and cluster-scoped targets', () => {
    expect(validatePlannedAction({ action: 'cordon_node', target: { kind: 'Node', name: 'ip-10-0-1-23.ec2.internal' } }).ok).toBe(true);
    expect(validatePlannedAction({ action: 'delete_namespace', target: { kind: 'Namespace', name: 'preview-pr-142' } }).ok).toBe(true);
  });

  it('keeps an optional rollback revision', () => {
    const result = validatePlannedAction({ action: 'rollback_deployment', target: restart.target, params: { toRevision: 3 } });
    expect(result.ok && result.action.params).toEqual({ toRevision: 3 });
  });
});

describe('catalog risk', () => {
  const planned = (action: PlannedAction['action'], target: PlannedAction['target'], params = {}): PlannedAction => ({ action, target, params });
  const deployment = { kind: 'Deployment', namespace: 'shop', name: 'checkout' } as const;

  it.each([
    [planned('restart_deployment', deployment), 'MEDIUM'],
    [planned('evict_pod', { kind: 'Pod', namespace: 'shop', name: 'checkout-abc' }), 'MEDIUM'],
    [planned('scale_deployment', deployment, { replicas: 5 }), 'MEDIUM'],
    [planned('scale_deployment', deployment, { replicas: 0 }), 'HIGH'],
    [planned('rollback_deployment', deployment), 'MEDIUM'],
    [planned('cordon_node', { kind: 'Node', name: 'node-a' }), 'HIGH'],
    [planned('delete_pvc', { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data' }), 'HIGH'],
    [planned('delete_namespace', { kind: 'Namespace', name: 'shop' }), 'CRITICAL'],
  ])('%o is %s', (action, risk) => {
    expect(baseRiskOf(action)).toBe(risk);
  });

  it('has a description for every entry', () => {
    expect(actionCatalog.size).toBe(8);
    expect(describeAction(planned('scale_deployment', deployment, { replicas: 5 }))).toBe('scale deployment shop/checkout to 5 replicas');
    expect(describeAction(planned('rollback_deployment', deployment))).toContain('previous revision');
    expect(describeAction(planned('evict_pod', { kind: 'Pod', namespace: 'shop', name: 'p' }))).toContain('Eviction API');
  });
});

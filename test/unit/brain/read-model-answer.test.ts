import { describe, expect, it } from 'vitest';
import { incidentScope } from '../../../src/brain/incident-scope.ts';
import { readModelAnswer } from '../../../src/brain/read-model-answer.ts';
import { shieldIncident } from '../../../src/brain/shield-incident.ts';
import { createVault } from '../../../src/privacy/pseudonym-vault.ts';
import { pIIIncident } from '../../support/brain-fixtures.ts';

const input = pIIIncident('incident-1');
const scope = incidentScope(input);

/** A vault that has seen the incident as a cloud model sees it, and the labels it issued for checkout and shop. */
function shielded() {
  const vault = createVault();
  const incident = shieldIncident(input, vault, { names: true });
  return { vault, service: incident.alerts[0]!.service!, namespace: incident.topology[0]!.namespace! };
}

const text = (actions: unknown[], diagnosis = 'checkout is crash looping') => JSON.stringify({ diagnosis, confidence: 0.7, actions });

describe('readModelAnswer: a model’s answer read as hostile input', () => {
  it('rehydrates only the target and parameters of a valid proposal, to the original object', () => {
    const { vault, service, namespace } = shielded();
    const result = readModelAnswer(
      text(
        [
          {
            action: 'scale_deployment',
            target: { kind: 'Deployment', namespace, name: service },
            params: { replicas: 3, toRevision: null },
            reason: `scale ${service}`,
          },
        ],
        `${service} is down; see [IP_1]`,
      ),
      vault,
      scope,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.answer.proposals[0]!.planned).toEqual({
      action: 'scale_deployment',
      target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' },
      params: { replicas: 3 },
    });
    // For people: topology names back, PII labels stay labels.
    expect(result.answer.summary).toBe('checkout is down; see [IP_1]');
    expect(result.answer.proposals[0]!.reason).toContain('scale checkout');
  });

  it.each([
    [
      'an action outside the catalog',
      { action: 'exec', target: { kind: 'Pod', namespace: 'shop', name: 'x' }, params: {}, reason: 'r' },
      /not an action in the catalog/,
    ],
    [
      'a risk of its own',
      { action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' }, params: {}, reason: 'r', risk: 'LOW' },
      /claims a risk/,
    ],
    [
      'a CRITICAL action',
      { action: 'delete_namespace', target: { kind: 'Namespace', namespace: null, name: 'shop' }, params: {}, reason: 'r' },
      /CRITICAL: a model never proposes it/,
    ],
    [
      'a namespace of another incident',
      { action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'kube-system', name: 'coredns' }, params: {}, reason: 'r' },
      /namespace not part of this incident/,
    ],
    [
      'a deployment no alert named',
      { action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'shop', name: 'orders-db' }, params: {}, reason: 'r' },
      /not named by this incident/,
    ],
    [
      'a label the vault never issued',
      { action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'shop', name: '[NAME_77]' }, params: {}, reason: 'r' },
      /never issued: \[NAME_77\]/,
    ],
    [
      'a parameter outside the schema',
      { action: 'scale_deployment', target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' }, params: { replicas: 5000 }, reason: 'r' },
      /replicas/,
    ],
    [
      'a parameter the catalog does not know',
      { action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' }, params: { force: true }, reason: 'r' },
      /force|Unrecognized/,
    ],
  ])('refuses %s, with the reason', (_what, proposal, reason) => {
    const { vault } = shielded();
    const result = readModelAnswer(text([proposal]), vault, scope);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.answer.proposals).toEqual([]);
    expect(result.answer.refused).toHaveLength(1);
    expect(result.answer.refused[0]!.reason).toMatch(reason);
  });

  it('refuses a label of another incident’s vault', () => {
    const other = createVault();
    const elsewhere = shieldIncident(pIIIncident('incident-2'), other, { names: true });
    const here = createVault();
    shieldIncident(input, here, { names: false });
    const target = { kind: 'Deployment', namespace: elsewhere.topology[0]!.namespace!, name: elsewhere.alerts[0]!.service! };
    const result = readModelAnswer(text([{ action: 'restart_deployment', target, params: {}, reason: 'r' }]), here, scope);
    expect(result.ok && result.answer.proposals).toEqual([]);
    expect(result.ok && result.answer.refused[0]!.reason).toMatch(/never issued/);
  });

  it.each([
    ['text that is not JSON', 'I think the database is down.'],
    ['a key beyond the schema', JSON.stringify({ diagnosis: 'x', confidence: 0.5, actions: [], risk: 'LOW' })],
    ['a confidence out of range', JSON.stringify({ diagnosis: 'x', confidence: 7, actions: [] })],
    ['no diagnosis', JSON.stringify({ confidence: 0.5, actions: [] })],
  ])('refuses the whole answer for %s', (_what, answer) => {
    const result = readModelAnswer(answer, createVault(), scope);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_response', retryable: false } });
  });

  it('accepts JSON in a Markdown fence, as some local models write it', () => {
    const result = readModelAnswer(`\`\`\`json\n${text([])}\n\`\`\``, createVault(), scope);
    expect(result.ok).toBe(true);
  });
});

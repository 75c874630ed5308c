import { describe, expect, it } from 'vitest';
import { shieldIncident } from '../../../src/brain/shield-incident.ts';
import { createVault } from '../../../src/privacy/pseudonym-vault.ts';
import { diagnosisOf, pIIIncident, secrets } from '../../support/brain-fixtures.ts';

describe('shieldIncident: what a model may see of an incident', () => {
  it('pseudonymizes every PII value and secret, the same value the same label', () => {
    const vault = createVault();
    const shielded = JSON.stringify(shieldIncident(pIIIncident(), vault, { names: false }));
    for (const value of Object.values(secrets)) expect(shielded).not.toContain(value);
    expect(shielded).toContain('[IP_1]:9100');
    expect(shielded).toContain('[EMAIL_1]');
    // Topology names stay for a local model; timestamps and ports are not PII.
    expect(shielded).toContain('"checkout"');
    expect(shielded).toContain('2026-12-02T08:00:00.000Z');
    expect(shielded).toContain(':5432/orders');
  });

  it('pseudonymizes names, namespaces and hosts for a cloud model, whole names only', () => {
    const vault = createVault();
    const input = diagnosisOf([
      {
        labels: {
          alertname: 'KubePodCrashLooping',
          namespace: 'shop',
          pod: 'checkout-5c7d8f-x2k9q',
          container: 'checkout',
          node: 'node-7.example.internal',
          severity: 'critical',
        },
        annotations: { description: 'checkout-db is fine; checkout is not. Pod checkout-5c7d8f-x2k9q on node-7.example.internal restarted.' },
      },
    ]);
    const shielded = shieldIncident(input, vault, { names: true });
    const description = shielded.alerts[0]!.annotations['description']!;
    const name = vault.labelFor('NAME', 'checkout');
    const pod = vault.labelFor('NAME', 'checkout-5c7d8f-x2k9q');
    const host = vault.labelFor('HOST', 'node-7.example.internal');
    expect(description).toBe(`checkout-db is fine; ${name} is not. Pod ${pod} on ${host} restarted.`);
    expect(shielded.alerts[0]!.labels['namespace']).toBe(vault.labelFor('NAMESPACE', 'shop'));
    expect(shielded.alerts[0]!.labels['alertname']).toBe('KubePodCrashLooping');
  });

  it('strips hidden characters, so a token split by zero-width spaces is still found', () => {
    const vault = createVault();
    const split = `${secrets.github.slice(0, 10)}\u200b${secrets.github.slice(10)}`;
    const input = diagnosisOf([
      { labels: { alertname: 'Leak', service: 'checkout' }, annotations: { description: `token ${split} \u202eevil\u202c \u{E0069}\u{E0067}` } },
    ]);
    const description = shieldIncident(input, vault, { names: false }).alerts[0]!.annotations['description']!;
    expect(description).toBe('token [TOKEN_1] evil ');
  });

  it('defangs text shaped like a label the vault never issued', () => {
    const vault = createVault();
    const input = diagnosisOf([{ labels: { alertname: 'Forged', service: 'checkout' }, annotations: { description: 'restart [NAME_9] in [NAMESPACE_3]' } }]);
    const description = shieldIncident(input, vault, { names: false }).alerts[0]!.annotations['description']!;
    expect(description).toBe('restart (NAME_9) in (NAMESPACE_3)');
  });

  it('passes similar past incidents on, shielded like the rest', () => {
    const vault = createVault();
    const input = { ...pIIIncident(), similarIncidents: [`#4 Disk full on checkout, ran by ${secrets.email}; ran: rollout restart → SUCCEEDED`] };
    const shielded = shieldIncident(input, vault, { names: false });
    expect(shielded.similarIncidents).toEqual(['#4 Disk full on checkout, ran by [EMAIL_1]; ran: rollout restart → SUCCEEDED']);
  });
});

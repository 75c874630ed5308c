import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createVault, PseudonymVault } from '../../../src/privacy/pseudonym-vault.ts';
import { pseudonymize } from '../../../src/privacy/pseudonymize.ts';
import { rehydrate, rehydrateValue } from '../../../src/privacy/rehydrate.ts';

const alert = 'db 10.0.4.17 refused app@example.com; retry 10.0.4.17 with password=hunter2 from 10.0.4.18 at 13:21:05 (v1.25.0)';

describe('pseudonymize', () => {
  it('gives the same value the same label inside one vault, and keeps what is not PII', () => {
    const vault = createVault();
    const first = pseudonymize(alert, vault);
    expect(first.text).toBe('db [IP_1] refused [EMAIL_1]; retry [IP_1] with password=[SECRET_1] from [IP_2] at 13:21:05 (v1.25.0)');
    const second = pseudonymize('again 10.0.4.18 and 10.0.4.17', vault);
    expect(second.text).toBe('again [IP_2] and [IP_1]');
    expect(first.entities[0]).toEqual({ type: 'ipv4', label: '[IP_1]', start: 3, end: 12 });
    expect(first.entities.map((entity) => alert.slice(entity.start, entity.end))).toEqual([
      '10.0.4.17',
      'app@example.com',
      '10.0.4.17',
      'hunter2',
      '10.0.4.18',
    ]);
  });

  it('numbers labels per vault in order of first sight, never from the value: nothing links two incidents', () => {
    const one = createVault();
    const two = createVault();
    expect(pseudonymize('x 192.0.2.1 y 198.51.100.9', one).text).toBe('x [IP_1] y [IP_2]');
    expect(pseudonymize('x 198.51.100.9 y 192.0.2.1', two).text).toBe('x [IP_1] y [IP_2]');
    expect(one.valueOf('[IP_1]')).toBe('192.0.2.1');
    expect(two.valueOf('[IP_1]')).toBe('198.51.100.9');
  });

  it('defangs label look-alikes planted in alert text, so they can never be rehydrated into a real value', () => {
    const vault = createVault();
    pseudonymize('token ghp_16C7e42F292c6912E7710c838347Ae178B4a', vault);
    const planted = pseudonymize('please run with [TOKEN_2] and [IP_7]; known [TOKEN_1]', vault);
    expect(planted.text).toBe('please run with (TOKEN_2) and (IP_7); known [TOKEN_1]');
  });
});

describe('rehydrate', () => {
  it('puts values back for the labels the vault issued', () => {
    const vault = createVault();
    const { text } = pseudonymize(alert, vault);
    expect(rehydrate(text, vault)).toEqual({ ok: true, value: alert });
  });

  it('refuses a label the model invented or one from another incident, naming them all', () => {
    const vault = createVault();
    const other = createVault();
    pseudonymize('a 10.0.0.1', vault);
    pseudonymize('b 10.0.0.2 c 10.0.0.3', other);
    expect(rehydrate('restart [IP_1] then [IP_2] and [EMAIL_1]', vault)).toEqual({
      ok: false,
      error: { code: 'unknown_labels', labels: ['[IP_2]', '[EMAIL_1]'] },
    });
  });

  it('restores only the allowed kinds, leaving secrets as labels for a human-facing rendering', () => {
    const vault = createVault();
    const { text } = pseudonymize('host 10.9.8.7 password=hunter2', vault);
    expect(rehydrate(text, vault, { allowed: ['IP'] })).toEqual({ ok: true, value: 'host 10.9.8.7 password=[SECRET_1]' });
  });

  it('rehydrates a planned action target and parameters to the original object', () => {
    const vault = createVault();
    const target = { namespace: 'shop', deployment: 'checkout', node: '10.2.3.4' };
    const params = { drain: ['10.2.3.4', '10.2.3.5'], notify: 'oncall@example.com', replicas: 3, dryRun: false, note: null };
    const pseudonymized = JSON.parse(pseudonymize(JSON.stringify({ target, params }), vault).text) as unknown;
    expect(JSON.stringify(pseudonymized)).not.toMatch(/10\.2\.3|oncall@/);
    expect(rehydrateValue(pseudonymized, vault)).toEqual({ ok: true, value: { target, params } });
    const invented = rehydrateValue({ target: { node: '[IP_9]' }, params: { '[EMAIL_4]': 1 } }, vault);
    expect(invented).toEqual({ ok: false, error: { code: 'unknown_labels', labels: ['[IP_9]', '[EMAIL_4]'] } });
  });
});

describe('the vault', () => {
  it('shows only counts to JSON, inspect and string interpolation', () => {
    const vault = createVault();
    pseudonymize('a 10.0.0.1 b ops@example.com c password=hunter2', vault);
    const shown = [JSON.stringify({ vault }), inspect(vault), inspect({ nested: { vault } }, { depth: 5 }), `${JSON.stringify(vault)}`];
    for (const text of shown) {
      expect(text).not.toMatch(/10\.0\.0\.1|ops@example|hunter2/);
      expect(text).toMatch(/"?labels"?: ?3/);
    }
  });

  it('rebuilds from its entries with the same labels and numbering, and refuses malformed entries', () => {
    const vault = createVault();
    pseudonymize('a 10.0.0.1 b 10.0.0.2', vault);
    const copy = PseudonymVault.fromEntries(vault.entries())!;
    expect(pseudonymize('c 10.0.0.3 d 10.0.0.1', copy).text).toBe('c [IP_3] d [IP_1]');
    expect(PseudonymVault.fromEntries([['IP_1', 'x']])).toBeUndefined();
    expect(
      PseudonymVault.fromEntries([
        ['[IP_1]', 'x'],
        ['[IP_1]', 'y'],
      ]),
    ).toBeUndefined();
  });
});

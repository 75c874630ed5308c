import { describe, expect, it } from 'vitest';
import { embeddingText } from '../../../src/knowledge/embedding-text.ts';

const entry = {
  alertNames: ['KubePodCrashLooping'],
  services: ['checkout', 'checkout-db'],
  rootCause: 'checkout',
  diagnosis: 'checkout crashed after bob@example.com pushed a config with password=hunter2hunter2 from 10.1.2.3\u200B',
};

describe('the text an embedding model gets (ADR 0034)', () => {
  it('pseudonymizes PII and secrets, and strips hidden characters, whatever the model', () => {
    const text = embeddingText(entry, { hideNames: false });
    expect(text).not.toMatch(/bob@example\.com|hunter2|10\.1\.2\.3|\u200B/);
    expect(text).toBe(
      [
        'alerts: KubePodCrashLooping',
        'services: checkout, checkout-db',
        'root cause: checkout',
        'diagnosis: checkout crashed after [EMAIL_1] pushed a config with password=[SECRET_1] from [IP_1]',
      ].join('\n'),
    );
    // The same entry, the same text: a vector is never made twice for nothing.
    expect(embeddingText(entry, { hideNames: false })).toBe(text);
  });

  it('hides the service names too for a model that is not local, each name standing alone', () => {
    const text = embeddingText(entry, { hideNames: true });
    expect(text).not.toMatch(/checkout/);
    expect(text.split('\n').slice(0, 3)).toEqual(['alerts: KubePodCrashLooping', 'services: [NAME_1], [NAME_2]', 'root cause: [NAME_1]']);
    expect(text).toContain('diagnosis: [NAME_1] crashed after [EMAIL_1]');
  });

  it('keeps a long diagnosis to a bounded length', () => {
    expect(embeddingText({ ...entry, diagnosis: 'x '.repeat(10_000) }, { hideNames: false }).length).toBe(2_000);
  });
});

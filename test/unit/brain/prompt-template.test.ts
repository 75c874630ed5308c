import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../src/brain/circuit-breaker.ts';
import { PromptTemplate } from '../../../src/brain/prompt-template.ts';
import { manualClock } from '../../../src/ports/clock.ts';

describe('PromptTemplate', () => {
  const template = new PromptTemplate(
    'probe',
    3,
    '---\nprompt: probe\nversion: 3\n---\n# system\nRules for {{nonce}}.\n\n# user\n<data {{nonce}}>\n{{incident}}\n</data {{nonce}}>\n',
  );

  it('fills every placeholder once: alert text that spells a placeholder is not expanded', () => {
    const rendered = template.render({ nonce: 'n1', incident: '{"note": "{{nonce}} {{catalog}}"}' });
    expect(rendered).toEqual({ system: 'Rules for n1.', prompt: '<data n1>\n{"note": "{{nonce}} {{catalog}}"}\n</data n1>' });
  });

  it('refuses to render with a placeholder missing, and a file without its sections', () => {
    expect(() => template.render({ nonce: 'n1' })).toThrow('no value for {{incident}}');
    expect(() => new PromptTemplate('broken', 1, 'just text')).toThrow('needs a "# system" and a "# user" section');
  });

  it('loads the shipped diagnosis prompt', () => {
    const shipped = PromptTemplate.load('diagnose-incident', 1).render({ nonce: 'abc', catalog: 'CATALOG', incident: '{}' });
    expect(shipped.system).toContain('<incident-data nonce="abc">');
    expect(shipped.system).toContain('CATALOG');
    expect(shipped.prompt.endsWith('<incident-data nonce="abc">\n{}\n</incident-data nonce="abc">')).toBe(true);
  });
});

describe('CircuitBreaker', () => {
  it('opens after the failures in a row, lets one trial through after the cooldown, and closes on its success', () => {
    const clock = manualClock(new Date('2026-12-02T08:00:00Z'));
    const breaker = new CircuitBreaker({ failures: 2, cooldownMilliseconds: 1000 }, clock);
    breaker.failed();
    expect(breaker.state).toBe('closed');
    breaker.succeeded();
    breaker.failed();
    expect(breaker.state).toBe('closed');
    breaker.failed();
    expect(breaker.state).toBe('open');
    expect(breaker.allow()).toBe(false);
    clock.advance(1000);
    expect(breaker.state).toBe('half_open');
    expect(breaker.allow()).toBe(true);
    expect(breaker.allow()).toBe(false);
    breaker.failed();
    expect(breaker.state).toBe('open');
    clock.advance(1000);
    expect(breaker.allow()).toBe(true);
    breaker.succeeded();
    expect(breaker.state).toBe('closed');
    expect(breaker.allow()).toBe(true);
  });
});

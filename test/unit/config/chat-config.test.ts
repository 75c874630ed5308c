import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';

function yamlFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'awoooi-chat-config-')), 'awoooi.yaml');
  writeFileSync(path, text);
  return path;
}

const slack = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'a'.repeat(32), SLACK_CHANNEL: 'C0123ABCD' };
const telegram = {
  TELEGRAM_BOT_TOKEN: '123456:AAF-abcdefghijklmnopqrstuvwxyz',
  TELEGRAM_WEBHOOK_SECRET: 'secret-token-0123456',
  TELEGRAM_CHAT_ID: '-1001234567890',
};

describe('chat platform settings', () => {
  it('read channel routes from YAML and name a bad one by its path', () => {
    const good = yamlFile('slack:\n  routes:\n    - { severities: [critical], channel: C0PAGE }\n    - { services: [payments], channel: C0PAY }\n');
    const loaded = loadConfig({ ...slack, AWOOOI_CONFIG: good });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    expect(loaded.config.slack.routes).toEqual([
      { severities: ['critical'], channel: 'C0PAGE' },
      { services: ['payments'], channel: 'C0PAY' },
    ]);
    const bad = loadConfig({ ...slack, AWOOOI_CONFIG: yamlFile('slack:\n  routes:\n    - { severities: [urgent], channel: "#ops" }\n') });
    expect(bad.ok).toBe(false);
    const errors = bad.ok ? '' : bad.errors.join('\n');
    expect(errors).toContain('slack.routes.0.severities.0');
    expect(errors).toContain('slack.routes.0.channel: must be a channel id');
  });

  it('are off by default, with the public API bases', () => {
    const loaded = loadConfig({});
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    expect(loaded.config.slack).toEqual({ apiUrl: 'https://slack.com/api/', routes: [] });
    expect(loaded.config.telegram).toEqual({ apiUrl: 'https://api.telegram.org', routes: [] });
  });

  it('read the conventional variables, API bases included', () => {
    const loaded = loadConfig({ ...slack, ...telegram, SLACK_API_URL: 'http://127.0.0.1:9/api/', TELEGRAM_API_URL: 'http://127.0.0.1:9' });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    expect(loaded.config.slack).toEqual({
      botToken: slack.SLACK_BOT_TOKEN,
      signingSecret: slack.SLACK_SIGNING_SECRET,
      channel: 'C0123ABCD',
      apiUrl: 'http://127.0.0.1:9/api/',
      routes: [],
    });
    expect(loaded.config.telegram.chatId).toBe('-1001234567890');
  });

  it('name a half-configured platform and each malformed value by its variable, without repeating secrets', () => {
    const half = loadConfig({ SLACK_BOT_TOKEN: slack.SLACK_BOT_TOKEN, TELEGRAM_CHAT_ID: '-100' });
    expect(half.ok).toBe(false);
    const errors = half.ok ? '' : half.errors.join('\n');
    expect(errors).toContain('SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_CHANNEL');
    expect(errors).toContain('botToken and chatId go together (TELEGRAM_BOT_TOKEN, TELEGRAM_CHAT_ID)');

    const bad = loadConfig({ ...slack, SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_CHANNEL: '#ops', SLACK_API_URL: 'ftp://x' });
    expect(bad.ok).toBe(false);
    const named = bad.ok ? '' : bad.errors.join('\n');
    expect(named).toMatch(/SLACK_BOT_TOKEN: must be a bot token/);
    expect(named).toMatch(/SLACK_CHANNEL: must be a channel id/);
    expect(named).toMatch(/SLACK_API_URL:/);
    expect(named).not.toContain('xoxp-user-token');
  });
});

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';

const slack = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'a'.repeat(32), SLACK_CHANNEL: 'C0123ABCD' };
const telegram = {
  TELEGRAM_BOT_TOKEN: '123456:AAF-abcdefghijklmnopqrstuvwxyz',
  TELEGRAM_WEBHOOK_SECRET: 'secret-token-0123456',
  TELEGRAM_CHAT_ID: '-1001234567890',
};

describe('chat platform settings', () => {
  it('are off by default, with the public API bases', () => {
    const loaded = loadConfig({});
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    expect(loaded.config.slack).toEqual({ apiUrl: 'https://slack.com/api/' });
    expect(loaded.config.telegram).toEqual({ apiUrl: 'https://api.telegram.org' });
  });

  it('read the conventional variables, API bases included', () => {
    const loaded = loadConfig({ ...slack, ...telegram, SLACK_API_URL: 'http://127.0.0.1:9/api/', TELEGRAM_API_URL: 'http://127.0.0.1:9' });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    expect(loaded.config.slack).toEqual({
      botToken: slack.SLACK_BOT_TOKEN,
      signingSecret: slack.SLACK_SIGNING_SECRET,
      channel: 'C0123ABCD',
      apiUrl: 'http://127.0.0.1:9/api/',
    });
    expect(loaded.config.telegram.chatId).toBe('-1001234567890');
  });

  it('name a half-configured platform and each malformed value by its variable, without repeating secrets', () => {
    const half = loadConfig({ SLACK_BOT_TOKEN: slack.SLACK_BOT_TOKEN, TELEGRAM_CHAT_ID: '-100' });
    expect(half.ok).toBe(false);
    const errors = half.ok ? '' : half.errors.join('\n');
    expect(errors).toContain('SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_CHANNEL');
    expect(errors).toContain('TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, TELEGRAM_CHAT_ID');

    const bad = loadConfig({ ...slack, SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_CHANNEL: '#ops', SLACK_API_URL: 'ftp://x' });
    expect(bad.ok).toBe(false);
    const named = bad.ok ? '' : bad.errors.join('\n');
    expect(named).toMatch(/SLACK_BOT_TOKEN: must be a bot token/);
    expect(named).toMatch(/SLACK_CHANNEL: must be a channel id/);
    expect(named).toMatch(/SLACK_API_URL:/);
    expect(named).not.toContain('xoxp-user-token');
  });
});

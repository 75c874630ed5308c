import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configCheckCommand } from '../../../src/cli/config-check-command.ts';
import { loadConfig } from '../../../src/config/load-config.ts';

function yamlFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'awoooi-discord-config-')), 'awoooi.yaml');
  writeFileSync(path, text);
  return path;
}

const discord = {
  DISCORD_PUBLIC_KEY: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  DISCORD_APPLICATION_ID: '1098765432109876543',
  DISCORD_BOT_TOKEN: 'MTA5ODc2NTQzMjEwOTg3NjU0Mw.Gfake1.this-is-a-fake-discord-bot-token-0123456789',
  DISCORD_CHANNEL_ID: '645027906669510667',
};

async function check(environment: Record<string, string>) {
  let out = '';
  let err = '';
  const code = await configCheckCommand(
    { write: (text: string) => (out += text) } as unknown as NodeJS.WritableStream,
    { write: (text: string) => (err += text) } as unknown as NodeJS.WritableStream,
    environment,
  );
  return { code, out, err };
}

describe('Discord settings', () => {
  it('read the conventional variables, with the public API base by default', () => {
    const loaded = loadConfig(discord);
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    expect(loaded.config.discord).toEqual({
      publicKey: discord.DISCORD_PUBLIC_KEY,
      applicationId: discord.DISCORD_APPLICATION_ID,
      botToken: discord.DISCORD_BOT_TOKEN,
      channelId: discord.DISCORD_CHANNEL_ID,
      apiUrl: 'https://discord.com/api',
      routes: [],
    });
    const elsewhere = loadConfig({ ...discord, DISCORD_API_URL: 'http://127.0.0.1:9/api' });
    expect(elsewhere.ok && elsewhere.config.discord.apiUrl).toBe('http://127.0.0.1:9/api');
  });

  it('awoooi config check says where the cards go, and names a misconfigured Discord clearly without repeating the token', async () => {
    const good = await check(discord);
    expect(good.code).toBe(0);
    expect(good.out).toContain('discord: cards to channel 645027906669510667 via https://discord.com');
    expect((await check({})).out).toContain('discord: off (DISCORD_PUBLIC_KEY, DISCORD_APPLICATION_ID, DISCORD_BOT_TOKEN, DISCORD_CHANNEL_ID)');

    const half = await check({ DISCORD_BOT_TOKEN: discord.DISCORD_BOT_TOKEN, DISCORD_CHANNEL_ID: '#incidents' });
    expect(half.code).toBe(2);
    expect(half.err).toContain('publicKey, applicationId, botToken and channelId go together (DISCORD_PUBLIC_KEY, DISCORD_APPLICATION_ID');
    expect(half.err).toMatch(/DISCORD_CHANNEL_ID: must be a numeric Discord id/);
    expect(half.err).not.toContain(discord.DISCORD_BOT_TOKEN);

    const swapped = await check({ ...discord, DISCORD_PUBLIC_KEY: discord.DISCORD_APPLICATION_ID, DISCORD_BOT_TOKEN: 'short' });
    expect(swapped.code).toBe(2);
    expect(swapped.err).toMatch(/DISCORD_PUBLIC_KEY: must be the application public key/);
    expect(swapped.err).toMatch(/DISCORD_BOT_TOKEN: must be the bot token/);
  });

  it('read routes per platform by severity, namespace and team from YAML, and refuse a route to an unknown team', () => {
    const good = yamlFile(
      [
        'teams:',
        '  payments-team: { namespaces: [payments] }',
        '  shop: { services: [checkout, cart] }',
        'discord:',
        '  routes:',
        '    - { severities: [critical], teams: [payments-team], channel: "111111111111111111" }',
        '    - { namespaces: [catalog], channel: "222222222222222222" }',
        '',
      ].join('\n'),
    );
    const loaded = loadConfig({ ...discord, AWOOOI_CONFIG: good });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    expect(loaded.config.discord.routes).toEqual([
      { severities: ['critical'], teams: ['payments-team'], channel: '111111111111111111' },
      { namespaces: ['catalog'], channel: '222222222222222222' },
    ]);
    expect(loaded.config.teams['shop']).toEqual({ services: ['checkout', 'cart'] });

    const bad = loadConfig({ ...discord, AWOOOI_CONFIG: yamlFile('discord:\n  routes:\n    - { teams: [nobody], channel: "#ops" }\n') });
    expect(bad.ok).toBe(false);
    const errors = bad.ok ? '' : bad.errors.join('\n');
    expect(errors).toContain('discord.routes.0.channel: must be a numeric Discord id');
    expect(errors).toContain('no team named nobody in teams');
  });
});

describe('awoooi discord register-commands', () => {
  it('says Discord is not configured (exit 2) rather than calling anything', async () => {
    const { discordRegisterCommand } = await import('../../../src/cli/discord-register-command.ts');
    const loaded = loadConfig({});
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    let err = '';
    const sink = { write: (text: string) => (err += text) } as unknown as NodeJS.WritableStream;
    expect(await discordRegisterCommand(loaded.config, sink, sink)).toBe(2);
    expect(err).toContain('Discord is not configured: set DISCORD_PUBLIC_KEY');
  });
});

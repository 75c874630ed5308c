import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { slackPaths } from '../../../adapters/slack/register-slack-routes.ts';

type Manifest = {
  features: { slash_commands: { command: string; url: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean; request_url: string }; event_subscriptions: { request_url: string; bot_events: string[] } };
};

const manifest = parseYaml(readFileSync(new URL('../../../deploy/slack-manifest.yaml', import.meta.url), 'utf8')) as Manifest;
const routeOf = (url: string) => new URL(url).pathname;

describe('deploy/slack-manifest.yaml', () => {
  it('points the slash command, interactivity and events at routes the bot serves', () => {
    const [command] = manifest.features.slash_commands;
    expect(command?.command).toBe('/awoooi');
    for (const url of [command!.url, manifest.settings.interactivity.request_url, manifest.settings.event_subscriptions.request_url]) {
      expect(slackPaths).toContain(routeOf(url));
    }
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });

  it('asks for the scopes the adapter uses and no others', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(['app_mentions:read', 'chat:write', 'commands']);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_mention']);
  });
});

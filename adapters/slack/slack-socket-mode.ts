import { LogLevel, SocketModeClient } from '@slack/socket-mode';
import { escapeMrkdwn } from './slack-text.ts';
import { handleSlackClick, handleSlackCommand, type SlackDoors } from './handle-slack-interaction.ts';
import { slackBlockActions, slackSlashCommand } from './slack-payloads.ts';

export interface SlackSocketModeOptions extends SlackDoors {
  /** App-level token (xapp-…, scope connections:write): SLACK_APP_TOKEN. */
  appToken: string;
  /** Web API base (SLACK_API_URL): apps.connections.open is asked there for the WebSocket URL. */
  apiUrl: string;
}

export interface SlackSocketMode {
  /** "connected", "connecting", "unreachable: …", for `/readyz` details. */
  health(): string;
  stop(): Promise<void>;
}

const retryMilliseconds = 30_000;

/**
 * Slack over Socket Mode (ADR 0029) with Slack's own client, @slack/socket-mode: apps.connections.open gives a
 * WebSocket URL, Slack says `hello`, then sends envelopes that must be acknowledged with their `envelope_id`.
 * Each envelope is acknowledged first (Slack's three seconds, whatever the database is doing), then clicks and
 * commands go through the same functions as `POST /slack/events`. No request signature exists here: the socket
 * was opened with the app token, and the envelope id is the delivery's key (a redelivery changes nothing).
 * Start-up never waits for Slack: while apps.connections.open fails the bot retries every 30 s.
 */
export function startSlackSocketMode(options: SlackSocketModeOptions): SlackSocketMode {
  const { log } = options;
  let health = 'connecting';
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let warned = false;
  // The client retries apps.connections.open by itself and says why only to its logger: that is where /readyz learns it.
  const noteError = (...parts: unknown[]) => {
    const text = parts.map(String).join(' ');
    const failed = /Failed to retrieve a new WSS URL \(error: (.*)\)/s.exec(text);
    if (failed === null) return;
    health = `unreachable: ${(failed[1] ?? '').slice(0, 200)}`;
    if (!warned) log.warn({ platform: 'slack', reason: health }, 'slack socket mode could not connect; the client keeps retrying');
    warned = true;
  };
  const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: noteError, setLevel: () => {}, getLevel: () => LogLevel.ERROR, setName: () => {} };
  const client = new SocketModeClient({
    appToken: options.appToken,
    logger: quiet,
    clientOptions: { slackApiUrl: options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`, retryConfig: { retries: 0 } },
  });
  client.on('connected', () => {
    health = 'connected';
    warned = false;
    log.info({ platform: 'slack' }, 'slack socket mode connected');
  });
  client.on('reconnecting', () => {
    health = 'reconnecting';
  });
  client.on(
    'slack_event',
    async ({ ack, type, body, envelope_id: envelope }: { ack: (response?: object) => Promise<void>; type: string; body: unknown; envelope_id: string }) => {
      const key = `envelope:${envelope}`;
      try {
        if (type === 'slash_commands') {
          const command = slackSlashCommand.safeParse(body);
          await ack(command.success ? { response_type: 'ephemeral', text: `Working on \`${escapeMrkdwn(command.data.text.slice(0, 100)) || 'help'}\`…` } : {});
          if (command.success) await handleSlackCommand(options, command.data, key);
          return;
        }
        await ack();
        if (type === 'interactive') {
          const clicked = slackBlockActions.safeParse(body);
          if (clicked.success) await handleSlackClick(options, clicked.data, key);
        }
      } catch (error) {
        log.error({ err: error, type }, 'slack socket mode envelope failed after its acknowledgement');
      }
    },
  );
  const connect = async () => {
    try {
      await client.start();
    } catch (error) {
      if (stopped) return;
      health = `unreachable: ${error instanceof Error ? error.message.slice(0, 200) : 'apps.connections.open failed'}`;
      log.warn({ reason: health, retryInMilliseconds: retryMilliseconds }, 'slack socket mode could not connect; retrying in the background');
      timer = setTimeout(() => void connect(), retryMilliseconds);
      timer.unref();
    }
  };
  void connect();
  return {
    health: () => health,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await client.disconnect().catch(() => {});
    },
  };
}

import type { Config } from '../config/config-schema.ts';
import { DiscordChat } from '../../adapters/discord/discord-chat.ts';

/**
 * `awoooi discord register-commands`: registers `/awoooi` and its subcommands as the application's global
 * commands (a bulk overwrite, so running it again changes nothing). Exit 0 when Discord took them, 1 when it
 * refused or did not answer, 2 when Discord is not configured.
 */
export async function discordRegisterCommand(config: Config, output: NodeJS.WritableStream, errors: NodeJS.WritableStream): Promise<number> {
  const { applicationId, botToken, channelId, apiUrl } = config.discord;
  if (applicationId === undefined || botToken === undefined || channelId === undefined) {
    errors.write('awoooi: Discord is not configured: set DISCORD_PUBLIC_KEY, DISCORD_APPLICATION_ID, DISCORD_BOT_TOKEN and DISCORD_CHANNEL_ID\n');
    return 2;
  }
  const chat = new DiscordChat({ botToken, applicationId, channelId, apiUrl });
  const registered = await chat.registerCommands();
  if (!registered.ok) {
    errors.write(`awoooi: Discord did not take the commands: ${registered.error.message}\n`);
    return 1;
  }
  output.write(`registered /awoooi (diagnose, status, approve, reject, oncall, help) for application ${applicationId}\n`);
  return 0;
}

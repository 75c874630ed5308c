import { chainOf } from '../config/brain-settings.ts';
import { loadConfig } from '../config/load-config.ts';
import { readTopologyFile } from '../topology/read-topology-file.ts';
import { checkListenerSafety } from './listener-safety.ts';
import { brainChainText } from './choose-brain.ts';
import { chooseEmbeddings, embeddingsText } from './choose-embeddings.ts';
import { silentLogger } from '../ports/logger.ts';

/** `awoooi config check`: every problem, by name; exit 0 when none, 2 otherwise. */
export async function configCheckCommand(output: NodeJS.WritableStream, errors: NodeJS.WritableStream, environment = process.env): Promise<number> {
  const result = loadConfig(environment);
  const problems = result.ok ? [] : [...result.errors];
  if (result.ok && result.config.topology.file) {
    const topology = await readTopologyFile(result.config.topology.file);
    if (!topology.ok) problems.push(...topology.errors.map((error) => `AWOOOI_TOPOLOGY: ${error}`));
  }
  // The same refusals as `serve`, so that a deployment can be checked before it is rolled out.
  const safety = result.ok ? checkListenerSafety(result.config) : { errors: [], warnings: [] };
  problems.push(...safety.errors);
  // The same refusal as `serve`: a model needs sealed vaults, and replicas on one database need one key.
  if (result.ok && chainOf(result.config.brain).length > 0 && result.config.storage.databaseUrl && !result.config.privacy.vaultKey)
    problems.push('AWOOOI_VAULT_KEY: a model is configured and DATABASE_URL is set: set AWOOOI_VAULT_KEY (openssl rand -base64 32), the same on every replica');
  if (problems.length > 0) {
    errors.write(`configuration has ${problems.length} problem(s):\n${problems.map((problem) => `  - ${problem}\n`).join('')}`);
    return 2;
  }
  const config = result.ok ? result.config : null;
  output.write(
    `configuration OK (${result.ok ? result.source : ''})\n` +
      `  database: ${config?.storage.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config?.storage.dataDir}`}\n` +
      `  topology: ${config?.topology.file ?? 'demo topology of the sandbox'}\n` +
      `  webhook auth: ${config?.webhook.token || config?.webhook.user ? 'configured' : 'none (allowed on a loopback listener only)'}\n` +
      `  people: ${config?.approvals.people.length ?? 0}\n` +
      `  slack: ${config?.slack.channel ? `cards to channel ${config.slack.channel} via ${new URL(config.slack.apiUrl).origin}${config.slack.appToken ? ', Socket Mode (SLACK_APP_TOKEN)' : ''}` : 'off (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET or SLACK_APP_TOKEN, SLACK_CHANNEL)'}\n` +
      `  telegram: ${config?.telegram.chatId ? `cards to chat ${config.telegram.chatId} via ${new URL(config.telegram.apiUrl).origin}` : 'off (TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, TELEGRAM_CHAT_ID)'}\n` +
      `  discord: ${config?.discord.channelId ? `cards to channel ${config.discord.channelId} via ${new URL(config.discord.apiUrl).origin}, interactions at POST /discord/interactions` : 'off (DISCORD_PUBLIC_KEY, DISCORD_APPLICATION_ID, DISCORD_BOT_TOKEN, DISCORD_CHANNEL_ID)'}\n` +
      `  brain: ${config ? brainChainText(config.brain) : ''}\n` +
      `  knowledge embeddings: ${config ? embeddingsText(chooseEmbeddings(config, silentLogger)) : ''}\n` +
      safety.warnings.map((warning) => `  WARNING: ${warning}\n`).join(''),
  );
  return 0;
}

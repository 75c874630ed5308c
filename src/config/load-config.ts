import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { configSchema, type Config } from './config-schema.ts';

/** Environment variables and the config path each one sets. */
const environmentVariables: Record<string, string[]> = {
  PORT: ['server', 'port'],
  HOST: ['server', 'host'],
  AWOOOI_BODY_LIMIT: ['server', 'bodyLimitBytes'],
  LOG_LEVEL: ['server', 'logLevel'],
  AWOOOI_PUBLIC_URL: ['server', 'publicUrl'],
  AWOOOI_TRUST_PROXY: ['server', 'trustProxy'],
  AWOOOI_DEMO: ['server', 'demo'],
  DATABASE_URL: ['storage', 'databaseUrl'],
  AWOOOI_DATA_DIR: ['storage', 'dataDir'],
  REDIS_URL: ['storage', 'redisUrl'],
  AWOOOI_WEBHOOK_TOKEN: ['webhook', 'token'],
  AWOOOI_WEBHOOK_USER: ['webhook', 'user'],
  AWOOOI_WEBHOOK_PASSWORD: ['webhook', 'password'],
  AWOOOI_TOPOLOGY: ['topology', 'file'],
  AWOOOI_TOPOLOGY_MAX_DEPTH: ['topology', 'maxDepth'],
  AWOOOI_TOPOLOGY_DISCOVER: ['topology', 'discover'],
  AWOOOI_TOPOLOGY_REFRESH_MINUTES: ['topology', 'refreshMinutes'],
  AWOOOI_SERVICE_LABELS: ['topology', 'serviceLabels'],
  AWOOOI_CORRELATION_WINDOW_MINUTES: ['incidents', 'correlationWindowMinutes'],
  AWOOOI_FLAP_QUIET_MINUTES: ['incidents', 'flapQuietMinutes'],
  AWOOOI_RESOLVE_GRACE_SECONDS: ['incidents', 'resolveGraceSeconds'],
  AWOOOI_ONCALL_CALENDAR_TOKEN: ['oncall', 'calendarToken'],
  AWOOOI_APPROVAL_EXPIRY_MINUTES: ['approvals', 'expiryMinutes'],
  AWOOOI_CLUSTER_TIMEOUT_SECONDS: ['cluster', 'timeoutSeconds'],
  AWOOOI_CLUSTER: ['cluster', 'kind'],
  KUBECONFIG: ['cluster', 'kubeconfig'],
  KUBE_CONTEXT: ['cluster', 'context'],
  AWOOOI_NAMESPACES: ['cluster', 'namespaces'],
  AWOOOI_CLUSTER_LABEL: ['cluster', 'label'],
  AWOOOI_DEFAULT_CLUSTER: ['cluster', 'defaultCluster'],
  ARGOCD_URL: ['cluster', 'argocd', 'url'],
  ARGOCD_TOKEN: ['cluster', 'argocd', 'token'],
  AWOOOI_MCP_TOKEN: ['mcp', 'serverToken'],
  AWOOOI_BRAIN_TIMEOUT_SECONDS: ['brain', 'timeoutSeconds'],
  // Aliases first: where both are set, the name the README documents wins.
  AWOOOI_BRAIN: ['brain', 'chain'],
  AWOOOI_LLM_CHAIN: ['brain', 'chain'],
  AWOOOI_LLM_CALL_TIMEOUT_SECONDS: ['brain', 'callTimeoutSeconds'],
  AWOOOI_LLM_RETRIES: ['brain', 'retries'],
  AWOOOI_LLM_PSEUDONYMIZE_NAMES: ['brain', 'pseudonymizeNames'],
  AWOOOI_LLM_BREAKER_FAILURES: ['brain', 'breakerFailures'],
  AWOOOI_LLM_BREAKER_COOLDOWN_SECONDS: ['brain', 'breakerCooldownSeconds'],
  OLLAMA_URL: ['brain', 'ollama', 'host'],
  OLLAMA_HOST: ['brain', 'ollama', 'host'],
  OLLAMA_MODEL: ['brain', 'ollama', 'model'],
  OPENAI_API_KEY: ['brain', 'openai', 'apiKey'],
  OPENAI_BASE_URL: ['brain', 'openai', 'baseUrl'],
  OPENAI_MODEL: ['brain', 'openai', 'model'],
  OPENAI_LOCAL: ['brain', 'openai', 'local'],
  ANTHROPIC_API_KEY: ['brain', 'anthropic', 'apiKey'],
  ANTHROPIC_BASE_URL: ['brain', 'anthropic', 'baseUrl'],
  ANTHROPIC_MODEL: ['brain', 'anthropic', 'model'],
  AWOOOI_VAULT_KEY: ['privacy', 'vaultKey'],
  SLACK_BOT_TOKEN: ['slack', 'botToken'],
  SLACK_SIGNING_SECRET: ['slack', 'signingSecret'],
  SLACK_CHANNEL: ['slack', 'channel'],
  SLACK_APP_TOKEN: ['slack', 'appToken'],
  SLACK_API_URL: ['slack', 'apiUrl'],
  TELEGRAM_BOT_TOKEN: ['telegram', 'botToken'],
  TELEGRAM_WEBHOOK_SECRET: ['telegram', 'webhookSecret'],
  TELEGRAM_CHAT_ID: ['telegram', 'chatId'],
  TELEGRAM_API_URL: ['telegram', 'apiUrl'],
  AWOOOI_PAGING_QUIET_MINUTES: ['paging', 'quietMinutes'],
  TWILIO_ACCOUNT_SID: ['paging', 'twilio', 'accountSid'],
  TWILIO_AUTH_TOKEN: ['paging', 'twilio', 'authToken'],
  TWILIO_FROM: ['paging', 'twilio', 'from'],
  TWILIO_API_URL: ['paging', 'twilio', 'apiUrl'],
  TWILIO_WEBHOOK_URL: ['paging', 'twilio', 'webhookUrl'],
  PAGERDUTY_ROUTING_KEY: ['paging', 'pagerduty', 'routingKey'],
  PAGERDUTY_API_URL: ['paging', 'pagerduty', 'apiUrl'],
  PAGERDUTY_WEBHOOK_SECRET: ['paging', 'pagerduty', 'webhookSecret'],
  OPSGENIE_API_KEY: ['paging', 'opsgenie', 'apiKey'],
  OPSGENIE_API_URL: ['paging', 'opsgenie', 'apiUrl'],
  OPSGENIE_WEBHOOK_SECRET: ['paging', 'opsgenie', 'webhookSecret'],
  NTFY_URL: ['paging', 'ntfy', 'url'],
  NTFY_TOKEN: ['paging', 'ntfy', 'token'],
  DISCORD_PUBLIC_KEY: ['discord', 'publicKey'],
  DISCORD_APPLICATION_ID: ['discord', 'applicationId'],
  DISCORD_BOT_TOKEN: ['discord', 'botToken'],
  DISCORD_CHANNEL_ID: ['discord', 'channelId'],
  DISCORD_API_URL: ['discord', 'apiUrl'],
  PROMETHEUS_URL: ['finops', 'prometheusUrl'],
  OPENCOST_URL: ['finops', 'opencostUrl'],
  AWOOOI_FINOPS_REPORT_CHANNEL: ['finops', 'report', 'channel'],
  AWOOOI_CURRENCY: ['prices', 'currency'],
  AWOOOI_EMBEDDINGS_PROVIDER: ['knowledge', 'embeddings', 'provider'],
  AWOOOI_EMBEDDINGS_MODEL: ['knowledge', 'embeddings', 'model'],
  AWOOOI_EMBEDDINGS_URL: ['knowledge', 'embeddings', 'url'],
  AWOOOI_EMBEDDINGS_API_KEY: ['knowledge', 'embeddings', 'apiKey'],
  AWOOOI_EMBEDDINGS_LOCAL: ['knowledge', 'embeddings', 'local'],
  AWOOOI_EMBEDDINGS_MIN_SIMILARITY: ['knowledge', 'embeddings', 'minSimilarity'],
};

const listVariables = new Set(['AWOOOI_SERVICE_LABELS', 'AWOOOI_NAMESPACES', 'AWOOOI_BRAIN', 'AWOOOI_LLM_CHAIN']);

export type ConfigResult = { ok: true; config: Config; source: string } | { ok: false; errors: string[] };

/**
 * Reads awoooi.yaml (path from AWOOOI_CONFIG, optional) and the environment, environment winning.
 * Every problem is reported at once, named by the variable or the YAML path that caused it.
 */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): ConfigResult {
  const raw: Record<string, unknown> = {};
  const origins = new Map<string, string>();
  const configPath = environment.AWOOOI_CONFIG;
  if (configPath) {
    let text: string;
    try {
      text = readFileSync(configPath, 'utf8');
    } catch (error) {
      return { ok: false, errors: [`AWOOOI_CONFIG: cannot read ${configPath} (${(error as NodeJS.ErrnoException).code ?? 'error'})`] };
    }
    let document: unknown;
    try {
      document = parseYaml(text) ?? {};
    } catch (error) {
      return { ok: false, errors: [`${configPath}: invalid YAML: ${(error as Error).message.split('\n')[0]}`] };
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      return { ok: false, errors: [`${configPath}: the top level must be a mapping`] };
    }
    Object.assign(raw, document);
  }
  for (const [variable, path] of Object.entries(environmentVariables)) {
    const value = environment[variable];
    if (value === undefined || value === '') continue;
    setPath(
      raw,
      path,
      listVariables.has(variable)
        ? value
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean)
        : value,
    );
    origins.set(path.join('.'), variable);
  }
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return { ok: true, config: parsed.data, source: configPath ?? 'environment' };
  const errors = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String);
    // The longest configured path the problem lies under: `brain.ollama.host` before `brain.ollama`.
    const variable = [...path.keys()]
      .reverse()
      .map((length) => origins.get(path.slice(0, length + 1).join('.')))
      .find(Boolean);
    const name = variable ?? `${configPath ?? 'config'}: ${path.join('.') || '(top level)'}`;
    return `${name}: ${issue.message}`;
  });
  return { ok: false, errors };
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    if (typeof child !== 'object' || child === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}

import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { redactLogValue } from '../privacy/redact-log-value.ts';
import { redactSecrets } from '../privacy/redact-secrets.ts';

// Secrets and raw request material never reach a log line, in JSON or pretty form.
const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.token',
  '*.databaseUrl',
  '*.redisUrl',
  'config.webhook',
  'config.approvals.people[*].password',
  'config.privacy',
  '*.vaultKey',
  '*.botToken',
  '*.signingSecret',
  'config.slack',
  '*.webhookSecret',
  'config.telegram',
  'config.discord',
  '*.appToken',
  '*.apiKey',
  'config.brain.openai',
  'config.brain.anthropic',
  'config.oncall.calendarToken',
  '*.calendarToken',
  // Paging (ADR 0026): provider keys, and people's phone numbers and topics (PII).
  'config.paging',
  '*.authToken',
  '*.routingKey',
  'config.approvals.people[*].contacts',
];

/**
 * Secrets by their shape, wherever they are (ADR 0010): every argument of every log call before pino sees it
 * (messages, fields, errors with their stack and cause), then the finished line, which also holds what
 * serializers and child bindings added (a Telegram bot token in an HTTP client error's URL, a password in a
 * connection string).
 */
const hooks = {
  logMethod(this: Logger, args: unknown[], method: (...args: unknown[]) => void) {
    method.apply(this, args.map(redactLogValue));
  },
  streamWrite: redactLine,
};

/** A finished JSON line, redacted; where a replacement would break the JSON, the line is withheld (fail closed). */
function redactLine(line: string): string {
  const redacted = redactSecrets(line);
  if (redacted === line) return line;
  try {
    JSON.parse(redacted);
    return redacted;
  } catch {
    const level = /"level":(\d+)/.exec(line)?.[1] ?? '50';
    return `{"level":${level},"time":${Date.now()},"service":"awoooi","msg":"log line withheld: a secret in it could not be redacted cleanly"}\n`;
  }
}

export interface LoggerOptions {
  /** File descriptor: 1 for the bot, 2 for CLI verbs whose stdout is data. */
  fd?: 1 | 2;
  /** Human-readable lines (pino-pretty) instead of JSON; default: when that descriptor is a terminal. */
  pretty?: boolean;
  /** Where lines go instead of the descriptor (tests). */
  destination?: NodeJS.WritableStream;
}

/**
 * JSON lines for machines (containers, log shippers); pretty lines when a person watches a terminal.
 * Redaction (by path, and by shape through the hooks) runs before either, so both forms hide the same secrets.
 */
export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const fd = options.fd ?? 1;
  const human = options.pretty ?? Boolean(fd === 1 ? process.stdout.isTTY : process.stderr.isTTY);
  const settings = { level, redact: { paths: redactPaths, censor: '[redacted]' }, base: { service: 'awoooi' }, hooks };
  let stream: DestinationStream;
  if (human)
    stream = pretty({ destination: options.destination ?? fd, colorize: options.destination === undefined, sync: true, ignore: 'service,pid,hostname' });
  // Written asynchronously: under a storm, lines that pile up while one write is out go in the next write together
  // (one write system call per line was a few per cent of the ingest's time); pino flushes what is left at exit.
  else stream = (options.destination as DestinationStream | undefined) ?? pino.destination({ dest: fd, sync: false });
  return pino(settings, stream);
}

import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

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
];

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
 * Redaction runs before either, so both forms hide the same secrets.
 */
export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const fd = options.fd ?? 1;
  const human = options.pretty ?? Boolean(fd === 1 ? process.stdout.isTTY : process.stderr.isTTY);
  const settings = { level, redact: { paths: redactPaths, censor: '[redacted]' }, base: { service: 'awoooi' } };
  let stream: DestinationStream;
  if (human)
    stream = pretty({ destination: options.destination ?? fd, colorize: options.destination === undefined, sync: true, ignore: 'service,pid,hostname' });
  else stream = (options.destination as DestinationStream | undefined) ?? pino.destination(fd);
  return pino(settings, stream);
}

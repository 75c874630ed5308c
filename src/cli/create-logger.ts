import pino, { type Logger } from 'pino';

// Secrets and raw request material never reach a log line.
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

/** JSON logs to stdout (or stderr for CLI verbs whose stdout is data). */
export function createLogger(level: string, destination: 1 | 2 = 1): Logger {
  return pino({ level, redact: { paths: redactPaths, censor: '[redacted]' }, base: { service: 'awoooi' } }, pino.destination(destination));
}

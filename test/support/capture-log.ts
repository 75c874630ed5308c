import pino, { type Logger } from 'pino';

/** A pino logger whose lines are kept, parsed, in `lines` for a test to read. */
export function captureLog(lines: Record<string, unknown>[] = [], level = 'info'): { log: Logger; lines: Record<string, unknown>[] } {
  const log = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

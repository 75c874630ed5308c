import type { Logger, LogFunction } from '../../src/ports/logger.ts';

/** One line a use case logged. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** A Logger port that keeps every line (children share the list and add their bindings), for assertions. */
export function recordingLogger(lines: LogLine[] = [], bindings: Record<string, unknown> = {}): Logger & { lines: LogLine[] } {
  const at =
    (level: LogLine['level']): LogFunction =>
    (first: Record<string, unknown> | string, second?: string) => {
      if (typeof first === 'string') lines.push({ level, message: first, fields: { ...bindings } });
      else lines.push({ level, message: second ?? '', fields: { ...bindings, ...first } });
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}

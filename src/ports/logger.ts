/** One structured log call: fields first (ids, counts, reasons), then a short message. Pino's shape. */
export interface LogFunction {
  (fields: Record<string, unknown>, message: string): void;
  (message: string): void;
}

/**
 * Where the core says what it did: one line per state change an operator would ask about. A port, not a
 * global, so use cases log with the bindings of their caller (request id, job) and tests can read the lines.
 * Never pass secrets or raw alert text as fields; the adapter redacts known secret paths as a second line.
 */
export interface Logger {
  debug: LogFunction;
  info: LogFunction;
  warn: LogFunction;
  error: LogFunction;
  child(bindings: Record<string, unknown>): Logger;
}

const ignore: LogFunction = () => {};

/** Discards everything; for tests and CLI verbs that print their own output. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore, child: () => silentLogger };

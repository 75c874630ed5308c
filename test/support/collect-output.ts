import { Writable } from 'node:stream';

/** A writable stream that keeps what was written, for commands and loggers that take an output stream. */
export function collectOutput(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write: (chunk, _encoding, done) => {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

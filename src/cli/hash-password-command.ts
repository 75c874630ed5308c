import { defaultScryptCost, hashPassword, type ScryptCost } from '../domain/password-hash.ts';

/** stdin as this verb uses it: a terminal (raw mode, so that nothing is echoed) or a pipe. */
export interface PasswordInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
}

const minimumLength = 8;

/** Reads one line from a terminal in raw mode: nothing echoed, backspace edits, Ctrl-C cancels (null). */
export function readHiddenLine(input: PasswordInput, prompt: NodeJS.WritableStream, question: string): Promise<string | null> {
  prompt.write(question);
  return new Promise((resolve) => {
    let line = '';
    const finish = (value: string | null) => {
      input.removeListener('data', onData);
      input.setRawMode?.(false);
      input.pause();
      prompt.write('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const character of chunk.toString()) {
        if (character === '\r' || character === '\n' || character === '\u0004') return finish(line);
        if (character === '\u0003') return finish(null);
        if (character === '\u007f' || character === '\b') line = [...line].slice(0, -1).join('');
        else line += character;
      }
    };
    input.setRawMode?.(true);
    input.on('data', onData);
    input.resume();
  });
}

/** Everything piped in, less one trailing line break; null when it is more than one line. */
async function readPipedLine(input: PasswordInput): Promise<string | null> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  return /[\r\n]/.test(text) ? null : text;
}

/**
 * `awoooi hash-password`: prints a scrypt hash for `approvals.people[].password`. From a terminal it asks
 * twice without echo; from a pipe (`printf %s "$PASSWORD" | awoooi hash-password`) it reads one line. Only
 * the hash goes to stdout, so that it can be captured; prompts and problems go to stderr.
 */
export async function hashPasswordCommand(
  input: PasswordInput,
  output: NodeJS.WritableStream,
  errors: NodeJS.WritableStream,
  cost: ScryptCost = defaultScryptCost,
): Promise<number> {
  let password: string | null;
  if (input.isTTY) {
    password = await readHiddenLine(input, errors, 'Password: ');
    if (password === null) return 130;
    const again = await readHiddenLine(input, errors, 'Again: ');
    if (again === null) return 130;
    if (again !== password) {
      errors.write('awoooi: the two passwords differ; nothing printed\n');
      return 2;
    }
  } else {
    password = await readPipedLine(input);
    if (password === null) {
      errors.write('awoooi: give one password on one line\n');
      return 2;
    }
  }
  if ([...password].length < minimumLength) {
    errors.write(`awoooi: a password needs at least ${minimumLength} characters\n`);
    return 2;
  }
  output.write(`${await hashPassword(password, cost)}\n`);
  return 0;
}

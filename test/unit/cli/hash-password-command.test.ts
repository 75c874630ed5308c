import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { hashPasswordCommand, type PasswordInput } from '../../../src/cli/hash-password-command.ts';
import { verifyPassword } from '../../../src/domain/password-hash.ts';

const cheap = { N: 1024, r: 8, p: 1 };

function sink() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => {
    text += chunk;
  });
  return Object.assign(stream, { text: () => text });
}

/** A terminal as the verb sees it: raw mode switchable, keys arriving one chunk at a time. */
function terminal(keys: string[]) {
  const input = new PassThrough() as PassThrough & PasswordInput;
  const modes: boolean[] = [];
  input.isTTY = true;
  input.setRawMode = (raw: boolean) => modes.push(raw);
  input.on('resume', () => {
    const next = keys.shift();
    if (next !== undefined) setImmediate(() => input.write(next));
  });
  return { input, modes };
}

describe('awoooi hash-password', () => {
  it('hashes one piped line (without its line break) to stdout, and nothing else', async () => {
    const output = sink();
    const errors = sink();
    expect(await hashPasswordCommand(Readable.from(['correct horse ', 'battery\n']), output, errors, cheap)).toBe(0);
    const hash = output.text().trim();
    expect(output.text()).toMatch(/^scrypt\$1024\$8\$1\$\S+\n$/);
    expect(await verifyPassword(hash, 'correct horse battery')).toBe(true);
    expect(errors.text()).toBe('');
  });

  it('refuses a short password and more than one line, printing no hash', async () => {
    const output = sink();
    const errors = sink();
    expect(await hashPasswordCommand(Readable.from(['short\n']), output, errors, cheap)).toBe(2);
    expect(await hashPasswordCommand(Readable.from(['first line\nsecond line\n']), output, errors, cheap)).toBe(2);
    expect(output.text()).toBe('');
    expect(errors.text()).toMatch(/at least 8 characters[\s\S]*one password on one line/);
  });

  it('on a terminal asks twice in raw mode, echoes nothing of the password, and honours backspace', async () => {
    const { input, modes } = terminal(['correct horse batteryy\u007f\r', 'correct horse battery\r']);
    const output = sink();
    const errors = sink();
    expect(await hashPasswordCommand(input, output, errors, cheap)).toBe(0);
    expect(await verifyPassword(output.text().trim(), 'correct horse battery')).toBe(true);
    expect(errors.text()).toBe('Password: \nAgain: \n');
    expect(modes).toEqual([true, false, true, false]);
  });

  it('on a terminal prints nothing when the two entries differ or Ctrl-C is pressed', async () => {
    const output = sink();
    const differ = terminal(['correct horse battery\r', 'correct horse batterx\r']);
    expect(await hashPasswordCommand(differ.input, output, sink(), cheap)).toBe(2);
    const cancelled = terminal(['correct ho\u0003']);
    expect(await hashPasswordCommand(cancelled.input, output, sink(), cheap)).toBe(130);
    expect(output.text()).toBe('');
  });
});

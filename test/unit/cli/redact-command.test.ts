import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { redactCommand } from '../../../src/cli/redact-command.ts';
import { LineRedactor, maximumLineCharacters } from '../../../src/privacy/line-redactor.ts';
import { createVault } from '../../../src/privacy/pseudonym-vault.ts';

async function run(chunks: string[], json = false): Promise<{ code: number; text: string }> {
  let text = '';
  const output = new Writable({
    write: (chunk, _encoding, done) => {
      text += chunk.toString();
      done();
    },
  });
  const code = await redactCommand(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), output, { json });
  return { code, text };
}

const pemLines = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACBfakekeymaterial==',
  '-----END OPENSSH PRIVATE KEY-----',
];

describe('awoooi redact', () => {
  it('pseudonymizes line by line with one vault for the whole run, whatever the chunking', async () => {
    const input = 'a 10.0.0.1 mail ops@example.com\nb 10.0.0.2\nc 10.0.0.1 at 13:21:05 v1.2.3\nno newline 10.0.0.2';
    const expected = 'a [IP_1] mail [EMAIL_1]\nb [IP_2]\nc [IP_1] at 13:21:05 v1.2.3\nno newline [IP_2]';
    expect(await run([input])).toEqual({ code: 0, text: expected });
    expect((await run(input.match(/.{1,3}/gs)!)).text).toBe(expected);
  });

  it('takes a PEM private key across lines as one entity, even split between chunks', async () => {
    const input = `before 10.1.1.1\n${pemLines.join('\n')}\nafter 10.1.1.1\n`;
    const { text } = await run([input.slice(0, 60), input.slice(60, 120), input.slice(120)]);
    expect(text).toBe('before [IP_1]\n[KEY_1]\nafter [IP_1]\n');
  });

  it('fails closed on a PEM block cut off before its END line: the key lines go, the next log line stays', async () => {
    const input = `${pemLines.slice(0, 3).join('\n')}\nlevel=info msg="next" addr=10.2.2.2\n`;
    expect((await run([input])).text).toBe('[KEY_1]\nlevel=info msg="next" addr=[IP_1]\n');
  });

  it('--json prints the entities per line (type, label, start, end within the line), not the text', async () => {
    const input = `x 10.0.0.1 y\nplain line\npassword=hunter2 10.0.0.1\n${pemLines.join('\n')}\n`;
    const lines = (await run([input], true)).text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      { line: 1, entities: [{ type: 'ipv4', label: '[IP_1]', start: 2, end: 10 }] },
      {
        line: 3,
        entities: [
          { type: 'secret_pair', label: '[SECRET_1]', start: 9, end: 16 },
          { type: 'ipv4', label: '[IP_1]', start: 17, end: 25 },
        ],
      },
      { line: 4, entities: [{ type: 'private_key', label: '[KEY_1]', start: 0, end: pemLines.join('\n').length }] },
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/hunter2|10\.0\.0\.1/);
  });

  it('cuts a line longer than the limit at a space, so one endless line cannot exhaust memory', () => {
    const redactor = new LineRedactor(createVault());
    const word = 'abcdefghi 10.3.3.3 ';
    const long = word.repeat(Math.ceil((maximumLineCharacters * 1.5) / word.length));
    let output = redactor.write(long);
    expect(output.length).toBeGreaterThan(0);
    expect(output.length).toBeLessThanOrEqual(maximumLineCharacters);
    output += redactor.write('\n') + redactor.end();
    expect(output).not.toContain('10.3.3.3');
    expect(output.split('\n')).toHaveLength(2);
  });
});

describe('LineRedactor', () => {
  it('returns each complete line as soon as it is written (live tails), holding back only an open key block', () => {
    const redactor = new LineRedactor(createVault());
    expect(redactor.write('a 10.0.0.1\nb')).toBe('a [IP_1]\n');
    expect(redactor.write(' 10.0.0.1\n-----BEGIN PRIVATE KEY-----\nMIIEvQ\n')).toBe('b [IP_1]\n');
    expect(redactor.write('-----END PRIVATE KEY-----\n')).toBe('[KEY_1]\n');
    expect(redactor.write('c\n')).toBe('c\n');
    expect(redactor.end()).toBe('');
  });
});

import { StringDecoder } from 'node:string_decoder';
import { LineRedactor } from '../privacy/line-redactor.ts';
import { createVault } from '../privacy/pseudonym-vault.ts';

export interface RedactArguments {
  json: boolean;
}

/**
 * `awoooi redact`: stdin to stdout, pseudonymized line by line with one vault for the run, streaming with
 * backpressure (a 100 MB input takes a few MB). The vault is never printed. Exit 0; 1 if the output breaks.
 */
export async function redactCommand(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, args: RedactArguments): Promise<number> {
  const redactor = new LineRedactor(createVault(), { json: args.json });
  const decoder = new StringDecoder('utf8');
  let broken = false;
  output.on('error', () => {
    broken = true;
  });
  const send = async (text: string) => {
    if (text === '' || broken || output.write(text)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        output.off('drain', done);
        output.off('error', done);
        resolve();
      };
      output.on('drain', done);
      output.on('error', done);
    });
  };
  for await (const chunk of input) {
    await send(redactor.write(typeof chunk === 'string' ? chunk : decoder.write(chunk)));
    if (broken) return 1;
  }
  await send(redactor.write(decoder.end()) + redactor.end());
  return broken ? 1 : 0;
}

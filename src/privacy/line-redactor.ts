import type { PseudonymVault } from './pseudonym-vault.ts';
import { type PseudonymizedEntity, pseudonymize } from './pseudonymize.ts';
import { maximumPrivateKeyLength } from './private-key-detector.ts';

/** Lines are pseudonymized in batches of about this many characters: one scan per batch, not per line. */
const batchCharacters = 64 * 1024;
/** A line longer than this is cut (at a space where there is one) so that memory stays bounded. */
export const maximumLineCharacters = 1024 * 1024;

const keyBegin = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----/g;
const keyMaterial = /^(?:[A-Za-z0-9+/=]*|(?:Proc-Type|DEK-Info):.*)\r?$/;

export interface LineRedactorOptions {
  /** Emit, per line with entities, `{"line":n,"entities":[{type,label,start,end}]}` instead of the text. */
  json?: boolean;
}

/**
 * `awoooi redact`'s engine: text in, pseudonymized text out, line by line with one vault, in bounded memory
 * (a batch, one PEM block and one partial line at most). A PEM private key spans lines, so while one is open
 * (BEGIN seen, END not yet) lines are held back until its END line or the first line that is not key material;
 * the detector then takes the block whole.
 */
export class LineRedactor {
  readonly #vault: PseudonymVault;
  readonly #json: boolean;
  #partial = '';
  #batch: string[] = [];
  #batchLength = 0;
  #inKey = false;
  #linesDone = 0;

  constructor(vault: PseudonymVault, options: LineRedactorOptions = {}) {
    this.#vault = vault;
    this.#json = options.json ?? false;
  }

  /** Takes the next piece of input; returns the output that is ready. */
  write(text: string): string {
    const joined = this.#partial + text;
    const lastBreak = joined.lastIndexOf('\n');
    // The common case: no key block open or starting, so the complete lines go through as one batch, unsplit.
    if (lastBreak !== -1 && this.#batch.length === 0 && !this.#inKey && !joined.includes('PRIVATE KEY-----')) {
      this.#partial = joined.slice(lastBreak + 1);
      return this.#render(joined.slice(0, lastBreak), true) + this.#cutLongPartial();
    }
    const lines = joined.split('\n');
    this.#partial = lines.pop()!;
    let output = '';
    for (const line of lines) output += this.#add(line);
    // What is complete goes out now (a `tail -f` piped in sees its lines), unless a key block is still open.
    if (!this.#inKey) output += this.#flush();
    return output + this.#cutLongPartial();
  }

  #cutLongPartial(): string {
    let output = '';
    while (this.#partial.length > maximumLineCharacters) {
      const space = this.#partial.lastIndexOf(' ', maximumLineCharacters);
      const cut = space > 0 ? space + 1 : maximumLineCharacters;
      output += this.#flush() + this.#render(this.#partial.slice(0, cut), false);
      this.#partial = this.#partial.slice(cut);
    }
    return output;
  }

  /** The rest, at the end of the input; a last line without a newline stays without one. */
  end(): string {
    const output = this.#flush() + (this.#partial === '' ? '' : this.#render(this.#partial, false));
    this.#partial = '';
    return output;
  }

  #add(line: string): string {
    if (this.#inKey && (line.includes('-----END ') || !keyMaterial.test(line) || this.#batchLength > maximumPrivateKeyLength)) this.#inKey = false;
    let output = '';
    if (line.includes('PRIVATE KEY-----') && opensKey(line)) {
      // The lines before the key need not wait for its END line.
      if (!this.#inKey) output = this.#flush();
      this.#inKey = true;
    }
    this.#batch.push(line);
    this.#batchLength += line.length + 1;
    return !this.#inKey && this.#batchLength >= batchCharacters ? output + this.#flush() : output;
  }

  #flush(): string {
    if (this.#batch.length === 0) return '';
    const output = this.#render(this.#batch.join('\n'), true);
    this.#batch = [];
    this.#batchLength = 0;
    return output;
  }

  /** `text`: whole lines joined by line breaks; `terminated`: whether the last one ended with one. */
  #render(text: string, terminated: boolean): string {
    const result = pseudonymize(text, this.#vault);
    const first = this.#linesDone;
    if (terminated) for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) this.#linesDone++;
    this.#linesDone += terminated ? 1 : 0;
    if (!this.#json) return terminated ? `${result.text}\n` : result.text;
    return entitiesByLine(text, result.entities, first);
  }
}

/** A BEGIN line whose block does not end on the same line. */
function opensKey(line: string): boolean {
  let open = false;
  keyBegin.lastIndex = 0;
  for (let match = keyBegin.exec(line); match !== null; match = keyBegin.exec(line))
    open = !line.includes(`-----END ${match[1]}PRIVATE KEY-----`, match.index + match[0].length);
  return open;
}

/** JSON lines, one per input line with entities; offsets are within that line (a PEM block's end runs past it). */
function entitiesByLine(text: string, entities: readonly PseudonymizedEntity[], firstLine: number): string {
  let output = '';
  let line = 0;
  let lineStart = 0;
  let nextBreak = text.indexOf('\n');
  let current: object[] = [];
  const emit = () => {
    if (current.length > 0) output += `${JSON.stringify({ line: firstLine + line + 1, entities: current })}\n`;
    current = [];
  };
  for (const entity of entities) {
    while (nextBreak !== -1 && entity.start > nextBreak) {
      emit();
      lineStart = nextBreak + 1;
      nextBreak = text.indexOf('\n', lineStart);
      line++;
    }
    current.push({ type: entity.type, label: entity.label, start: entity.start - lineStart, end: entity.end - lineStart });
  }
  emit();
  return output;
}

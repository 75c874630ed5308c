import { inspect } from 'node:util';
import { type LabelKind, labelKinds } from './entity-type.ts';

/** A label as the shield writes it: `[IP_1]`, `[TOKEN_12]`. */
export const labelPattern = new RegExp(`\\[(${labelKinds.join('|')})_([1-9]\\d{0,8})\\]`, 'g');

/**
 * One incident's pseudonyms: label → value and back. Labels are numbered per vault in order of first sight,
 * never derived from the value, so the same address is `[IP_1]` here and `[IP_4]` in another incident and
 * nothing links the two. The values never leave through `JSON.stringify`, `console.log` or a logger: those
 * see only counts. `entries()` is for the cipher that seals the vault.
 */
export class PseudonymVault {
  readonly #labelByValue = new Map<string, string>();
  readonly #valueByLabel = new Map<string, string>();
  readonly #counters = new Map<LabelKind, number>();

  /** The label of `value`, issuing the next one of `kind` on first sight. */
  labelFor(kind: LabelKind, value: string): string {
    const known = this.#labelByValue.get(value);
    if (known !== undefined) return known;
    const number = (this.#counters.get(kind) ?? 0) + 1;
    const label = `[${kind}_${number}]`;
    this.#counters.set(kind, number);
    this.#labelByValue.set(value, label);
    this.#valueByLabel.set(label, value);
    return label;
  }

  /** The value behind a label this vault issued; undefined for any other label. */
  valueOf(label: string): string | undefined {
    return this.#valueByLabel.get(label);
  }

  holds(label: string): boolean {
    return this.#valueByLabel.has(label);
  }

  get size(): number {
    return this.#valueByLabel.size;
  }

  /** How many labels of each kind: what logs and debuggers may see. */
  counts(): Partial<Record<LabelKind, number>> {
    return Object.fromEntries(this.#counters);
  }

  /** [label, value] pairs in issue order, for sealing. */
  entries(): [string, string][] {
    return [...this.#valueByLabel];
  }

  /** Rebuilds a vault from sealed entries; undefined when one is not a label or a label or value repeats. */
  static fromEntries(entries: readonly (readonly [string, string])[]): PseudonymVault | undefined {
    const vault = new PseudonymVault();
    const wholeLabel = new RegExp(`^${labelPattern.source}$`);
    for (const [label, value] of entries) {
      const match = wholeLabel.exec(label);
      if (match === null || vault.#valueByLabel.has(label) || vault.#labelByValue.has(value)) return undefined;
      const kind = match[1] as LabelKind;
      vault.#counters.set(kind, Math.max(vault.#counters.get(kind) ?? 0, Number(match[2])));
      vault.#labelByValue.set(value, label);
      vault.#valueByLabel.set(label, value);
    }
    return vault;
  }

  toJSON(): { labels: number; byKind: Partial<Record<LabelKind, number>> } {
    return { labels: this.size, byKind: this.counts() };
  }

  [inspect.custom](): string {
    return `PseudonymVault ${JSON.stringify(this.toJSON())}`;
  }
}

/** A new, empty vault: one per incident. */
export function createVault(): PseudonymVault {
  return new PseudonymVault();
}

import { stripHiddenCharacters } from '../brain/hidden-characters.ts';
import { labelPattern, PseudonymVault } from '../privacy/pseudonym-vault.ts';
import { pseudonymize } from '../privacy/pseudonymize.ts';

/** What of a knowledge entry (or of the incident at hand) is embedded. */
export interface KnowledgeText {
  alertNames: readonly string[];
  services: readonly string[];
  rootCause: string | null;
  diagnosis: string | null;
}

// Embedding models read a few hundred words at most; a long diagnosis adds cost, not meaning.
const maximumLength = 2_000;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The text an embedding model gets for an entry, shielded as the brain shields a prompt (ADR 0010, ADR 0034):
 * hidden characters stripped, then PII and secrets pseudonymized (`[EMAIL_1]`, `[TOKEN_1]`) in a vault made
 * for this text alone and thrown away (nothing is ever put back into a vector). With `hideNames` (a cloud
 * model, as `brain.pseudonymizeNames` decides) the entry's service names become `[NAME_n]` too, which costs the
 * search their meaning: a local model is the better choice. The same entry always gives the same text.
 */
export function embeddingText(entry: KnowledgeText, options: { hideNames: boolean }): string {
  const vault = new PseudonymVault();
  const names = options.hideNames
    ? [...new Set([...entry.services, ...(entry.rootCause === null ? [] : [entry.rootCause])])]
        .filter((name) => name.length > 0)
        .sort((a, b) => b.length - a.length)
    : [];
  // A name counts where it stands alone, not inside a longer one (`checkout` in `checkout-db`).
  const pattern = names.length === 0 ? null : new RegExp(`(?<![\\w-]|\\w\\.)(?:${names.map(escapeRegExp).join('|')})(?![\\w-]|\\.\\w)`, 'g');
  const shield = (value: string): string => {
    const pseudonymized = pseudonymize(stripHiddenCharacters(value), vault).text;
    if (pattern === null) return pseudonymized;
    // Labels already issued stay as they are; names are replaced only between them.
    let output = '';
    let copied = 0;
    for (const match of pseudonymized.matchAll(new RegExp(labelPattern.source, 'g'))) {
      output += pseudonymized.slice(copied, match.index).replace(pattern, (name) => vault.labelFor('NAME', name)) + match[0];
      copied = match.index + match[0].length;
    }
    return output + pseudonymized.slice(copied).replace(pattern, (name) => vault.labelFor('NAME', name));
  };
  const lines = [
    `alerts: ${entry.alertNames.map(shield).join(', ')}`,
    `services: ${entry.services.map(shield).join(', ')}`,
    ...(entry.rootCause === null ? [] : [`root cause: ${shield(entry.rootCause)}`]),
    ...(entry.diagnosis === null ? [] : [`diagnosis: ${shield(entry.diagnosis)}`]),
  ];
  const text = lines.join('\n');
  return text.length > maximumLength ? text.slice(0, maximumLength) : text;
}

import { detectEntities } from './detect-entities.ts';
import { type EntityType, labelKindOf } from './entity-type.ts';
import { labelPattern, type PseudonymVault } from './pseudonym-vault.ts';

/** What was replaced: its type, its label, and where it was in the INPUT text ([start, end)). */
export interface PseudonymizedEntity {
  type: EntityType;
  label: string;
  start: number;
  end: number;
}

export interface PseudonymizeResult {
  text: string;
  entities: PseudonymizedEntity[];
}

// Alert text is hostile: text shaped like a label this vault did not issue could make rehydration turn it
// into a real value. Such look-alikes lose their brackets ("(TOKEN_1)"), which keeps every offset.
function defangLookalikes(segment: string, vault: PseudonymVault): string {
  return segment.replace(labelPattern, (label) => (vault.holds(label) ? label : `(${label.slice(1, -1)})`));
}

/**
 * Replaces every entity of `text` with its label in `vault` (issuing labels on first sight). The same value
 * gets the same label for the vault's lifetime; use one vault per incident.
 */
export function pseudonymize(text: string, vault: PseudonymVault): PseudonymizeResult {
  const found = detectEntities(text);
  const copy = text.includes('[') ? (segment: string) => defangLookalikes(segment, vault) : (segment: string) => segment;
  const entities: PseudonymizedEntity[] = [];
  let output = '';
  let copied = 0;
  for (const entity of found) {
    const label = vault.labelFor(labelKindOf[entity.type], text.slice(entity.start, entity.end));
    output += copy(text.slice(copied, entity.start)) + label;
    copied = entity.end;
    entities.push({ type: entity.type, label, start: entity.start, end: entity.end });
  }
  output += copy(copied === 0 ? text : text.slice(copied));
  return { text: output, entities };
}

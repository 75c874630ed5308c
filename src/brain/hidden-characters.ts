// Zero-width characters, bidi embeddings, overrides and isolates, the word joiner family, the BOM, the soft
// hyphen and Unicode tag characters: invisible to the person reading the alert, read by the model. An
// instruction hidden in them ("⁦ignore previous instructions⁩", tag-encoded ASCII) must not reach it.
const hidden = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\u{E0000}-\u{E007F}]/gu;

/** `text` without characters a reader cannot see. */
export function stripHiddenCharacters(text: string): string {
  return text.replace(hidden, '');
}

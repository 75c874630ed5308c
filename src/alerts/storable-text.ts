/** What PostgreSQL cannot store in text or jsonb becomes this. */
export const replacementCharacter = '\ufffd';

/**
 * `value` as PostgreSQL can store it: NUL (text and jsonb both reject it) and UTF-16 surrogates without their
 * pair (they have no UTF-8 form; jsonb rejects the `\ud800` escape JSON.stringify writes for them) become
 * U+FFFD. Everything else is kept as it is.
 */
export function storableText(value: string): string {
  const wellFormed = value.isWellFormed() ? value : value.toWellFormed();
  return wellFormed.includes('\u0000') ? wellFormed.replaceAll('\u0000', replacementCharacter) : wellFormed;
}

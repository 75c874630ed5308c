const opening = /^\s*(?:```(?:json)?\s*)?\{\s*"diagnosis"\s*:\s*"/;
const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };

/**
 * The diagnosis text of an answer still streaming (`{"diagnosis": "The orders datab…`), for people to watch
 * it grow; null until the answer starts with it. A half-written escape at the end is left for the next piece.
 */
export function partialDiagnosis(soFar: string): string | null {
  const start = opening.exec(soFar);
  if (start === null) return null;
  let text = '';
  for (let index = start[0].length; index < soFar.length; index++) {
    const character = soFar[index]!;
    if (character === '"') break;
    if (character !== '\\') {
      text += character;
      continue;
    }
    const next = soFar[index + 1];
    if (next === undefined) break;
    if (next === 'u') {
      const hex = soFar.slice(index + 2, index + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) break;
      text += String.fromCharCode(Number.parseInt(hex, 16));
      index += 5;
      continue;
    }
    text += escapes[next] ?? next;
    index += 1;
  }
  return text;
}

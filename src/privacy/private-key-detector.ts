import type { FoundEntity } from './entity-type.ts';

const beginMarker = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----/g;
// A block cut off before its END line: the body lines that follow (base64 or the legacy headers), with
// real or JSON-escaped line breaks. It stops at the first line that is not key material.
const bodyLines = /(?:(?:\r?\n|\\r\\n|\\n)(?:[A-Za-z0-9+/=]{1,100}|(?:Proc-Type|DEK-Info):[^\r\n\\]*|)(?=\r?\n|\\r|\\n|$))*/y;
/** How far the END line may be from BEGIN: a 16384-bit RSA key in PEM is about 13 KB. */
export const maximumPrivateKeyLength = 64 * 1024;

/**
 * PEM private keys, a block across lines (`-----BEGIN … PRIVATE KEY-----` to its END line), also flattened
 * into one line with `\n` escapes. Without an END line it fails closed: the header and the key lines that
 * follow are taken.
 */
export function findPrivateKeys(text: string, found: FoundEntity[]): void {
  if (!text.includes('PRIVATE KEY-----')) return;
  beginMarker.lastIndex = 0;
  for (let match = beginMarker.exec(text); match !== null; match = beginMarker.exec(text)) {
    const start = match.index;
    const headerEnd = start + match[0].length;
    const endLine = `-----END ${match[1]}PRIVATE KEY-----`;
    const endIndex = text.indexOf(endLine, headerEnd);
    let end: number;
    if (endIndex !== -1 && endIndex - start <= maximumPrivateKeyLength) end = endIndex + endLine.length;
    else {
      bodyLines.lastIndex = headerEnd;
      bodyLines.exec(text); // matches always, possibly empty
      end = bodyLines.lastIndex;
    }
    found.push({ type: 'private_key', start, end });
    beginMarker.lastIndex = end;
  }
}

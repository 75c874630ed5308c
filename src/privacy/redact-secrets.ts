import { detectEntities } from './detect-entities.ts';

export const redactedMarker = '[redacted]';

/**
 * `text` with every secret and credential (tokens, keys, passwords, private keys, secret URLs) replaced by
 * `[redacted]`; IPs, emails and other personal data stay. For log lines, which must never hold a secret.
 */
export function redactSecrets(text: string): string {
  const found = detectEntities(text, { secretsOnly: true });
  if (found.length === 0) return text;
  let output = '';
  let copied = 0;
  for (const entity of found) {
    output += text.slice(copied, entity.start) + redactedMarker;
    copied = entity.end;
  }
  return output + text.slice(copied);
}

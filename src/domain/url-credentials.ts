/**
 * A service URL as configured (`http://user:secret@prometheus:9090`) split into what may be shown (no credentials)
 * and the Authorization header they stand for: fetch refuses URLs with credentials, and logs and cards must never
 * carry them.
 */
export function splitUrlCredentials(configured: string): { url: string; authorization: string | undefined } {
  const parsed = new URL(configured);
  if (parsed.username === '' && parsed.password === '') return { url: parsed.toString(), authorization: undefined };
  const pair = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}

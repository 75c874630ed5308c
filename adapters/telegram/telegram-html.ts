/**
 * Text from an alert or a model, made inert for Telegram's HTML parse mode: `&`, `<`, `>` and `"` become
 * entities, so no tag, link or markup can be formed, and nothing is ever parsed as Markdown.
 */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** `text` at most `limit` characters (with a visible ellipsis when cut, never splitting a surrogate pair), escaped. */
export function clipHtml(text: string, limit: number): string {
  if (text.length <= limit) return escapeHtml(text);
  let cut = limit - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${escapeHtml(text.slice(0, cut))}…`;
}

/** A link we make ourselves, to an http(s) URL only; anything else is shown as text. */
export function htmlLink(url: string, label: string): string {
  if (!/^https?:\/\//i.test(url)) return escapeHtml(label);
  return `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`;
}

/**
 * Text from an alert or a model, made inert for Slack mrkdwn: `&`, `<` and `>` become entities, so no
 * `<!channel>`, `<!here>`, `<@U…>`, `<#C…>` or `<http://a|b>` link can be formed, and Slack's bare-word
 * mentions (`@channel`, `@here`, `@everyone`) get a zero-width joiner so they never notify.
 */
export function escapeMrkdwn(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(/@(channel|here|everyone)\b/gi, '@\u200d$1');
}

/** A link we make ourselves: the URL may not close the `<…|…>` form early, the label is escaped. */
export function mrkdwnLink(url: string, label: string): string {
  const safeUrl = url.replaceAll('&', '&amp;').replaceAll('<', '%3C').replaceAll('>', '%3E').replaceAll('|', '%7C');
  return `<${safeUrl}|${escapeMrkdwn(label).replaceAll('|', '¦')}>`;
}

/** Where a cut at `index` may land in mrkdwn without splitting an entity, one of our links, or a surrogate pair. */
function safeCut(text: string, index: number): number {
  let cut = index;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  const entity = text.lastIndexOf('&', cut - 1);
  if (entity >= 0 && cut - entity < 6 && !text.slice(entity, cut).includes(';')) cut = entity;
  const open = text.lastIndexOf('<', cut - 1);
  if (open >= 0 && text.indexOf('>', open) >= cut) cut = open;
  return cut;
}

/**
 * `text` (already mrkdwn-safe) within `limit` characters: when it is longer, it is cut at a safe place and
 * `more` is appended (e.g. "… (truncated: full card in the web console)"), the whole within the limit.
 * Returns whether it was cut.
 */
export function fitMrkdwn(text: string, limit: number, more: string): { text: string; truncated: boolean } {
  if (text.length <= limit) return { text, truncated: false };
  const room = Math.max(0, limit - more.length);
  return { text: `${text.slice(0, safeCut(text, room))}${more}`.slice(0, limit), truncated: true };
}

/** Plain text (headers, button labels) within `limit` characters, with a visible ellipsis when cut. */
export function fitPlain(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let cut = limit - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

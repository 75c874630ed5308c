/**
 * Discord markdown, made inert: every character Discord reads as markup (bold, italics, strike, code, spoilers,
 * quotes, masked links `[a](http://…)`, mentions `<@id>`, `<@&id>`, `<#id>`, timestamps) is escaped with a
 * backslash, headings and lists at a line's start too, and `@everyone` / `@here` get a zero-width joiner so that
 * they are neither a mention nor a ping (messages also go with `allowed_mentions: {parse: []}`).
 */
export function escapeDiscord(text: string): string {
  return text
    .replace(/[\\*_~`|<>[\]()]/g, (character) => `\\${character}`)
    .replace(/^(\s*)([#>-])/gm, '$1\\$2')
    .replace(/@(everyone|here)/gi, '@\u200d$1');
}

/** `text` escaped and cut to `limit` characters (after escaping), with an ellipsis when cut; never splits an escape. */
export function clipDiscord(text: string, limit: number): string {
  const escaped = escapeDiscord(text);
  if (escaped.length <= limit) return escaped;
  let cut = escaped.slice(0, Math.max(0, limit - 1));
  // A lone trailing backslash would escape the ellipsis instead of the character it was written for.
  if (/(^|[^\\])(\\\\)*\\$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** A masked link of ours (the web console); only https/http URLs we built, the label escaped. */
export function discordLink(url: string, label: string): string {
  return `[${escapeDiscord(label)}](${url.replace(/[()\s]/g, encodeURIComponent)})`;
}

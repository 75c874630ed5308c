// DOM helpers of the web console. Text is always set with text nodes / textContent, never parsed as HTML.

/** el('div', {class: 'x', title: 'y'}, child, 'text', …) — text children become text nodes. */
export function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = String(value);
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const text = (value) => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value));
export const list = (value) => (Array.isArray(value) ? value : []);
export const token = (value) =>
  text(value)
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '');

export function safeHref(url) {
  try {
    const parsed = new URL(text(url));
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

export function ago(iso) {
  const time = new Date(text(iso)).getTime();
  if (Number.isNaN(time)) return text(iso);
  const seconds = Math.round((Date.now() - time) / 1000);
  const future = seconds < 0;
  const span = Math.abs(seconds);
  const words =
    span < 60 ? `${span}s` : span < 3600 ? `${Math.round(span / 60)} min` : span < 86400 ? `${Math.round(span / 3600)} h` : `${Math.round(span / 86400)} d`;
  return future ? `in ${words}` : `${words} ago`;
}

export function clock(iso) {
  const date = new Date(text(iso));
  return Number.isNaN(date.getTime()) ? text(iso) : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function button(label, className, onClick, attributes = {}) {
  const node = el('button', { type: 'button', class: className, ...attributes }, label);
  node.addEventListener('click', () => void onClick());
  return node;
}

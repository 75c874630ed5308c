/**
 * A DOM without an HTML parser, just enough for the web console's renderer (adapters/webconsole/public/dom.js):
 * elements, text nodes, attributes. Nothing here can turn a string into markup, so what a card shows is exactly
 * what the renderer put in text nodes and attributes; the test then reads both back.
 */
export class RecordingNode {}

export class RecordingText extends RecordingNode {
  readonly data: string;
  constructor(data: string) {
    super();
    this.data = data;
  }
}

export class RecordingElement extends RecordingNode {
  readonly attributes = new Map<string, string>();
  readonly children: RecordingNode[] = [];
  className = '';
  readonly tagName: string;
  constructor(tagName: string) {
    super();
    this.tagName = tagName;
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  append(...nodes: RecordingNode[]): void {
    this.children.push(...nodes);
  }
  addEventListener(): void {}
  /** Every element of this subtree, this one first. */
  elements(): RecordingElement[] {
    return [this, ...this.children.flatMap((child) => (child instanceof RecordingElement ? child.elements() : []))];
  }
  get textContent(): string {
    return this.children.map((child) => (child instanceof RecordingText ? child.data : child instanceof RecordingElement ? child.textContent : '')).join('');
  }
}

/** Installs the recording DOM as the global `document` and `Node` (the console's modules read them at call time). */
export function installRecordingDom(): void {
  const global = globalThis as Record<string, unknown>;
  global['Node'] = RecordingNode;
  global['document'] = {
    createElement: (tag: string) => new RecordingElement(tag),
    createTextNode: (data: string) => new RecordingText(data),
  };
}

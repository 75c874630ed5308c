import { readFileSync } from 'node:fs';

/** The prompts/ folder of this checkout or image. */
export const promptsDirectory = new URL('../../prompts/', import.meta.url);

/** A prompt as rendered: the system instructions and the user message. */
export interface RenderedPrompt {
  system: string;
  prompt: string;
}

/**
 * A versioned prompt file of prompts/ (`<name>.v<version>.md`): a front matter naming it, then `# system` and
 * `# user` sections with `{{placeholders}}`. Read once at start, so a broken file stops the bot, not a diagnosis.
 */
export class PromptTemplate {
  readonly name: string;
  readonly version: number;
  readonly #system: string;
  readonly #user: string;

  constructor(name: string, version: number, text: string) {
    this.name = name;
    this.version = version;
    const body = text.replace(/^---\n[\s\S]*?\n---\n/, '');
    const system = /^# system\n([\s\S]*?)^# user\n([\s\S]*)$/m.exec(body);
    if (system === null) throw new Error(`prompt ${name} v${version}: needs a "# system" and a "# user" section`);
    this.#system = system[1]!.trim();
    this.#user = system[2]!.trim();
  }

  static load(name: string, version: number, directory: URL = promptsDirectory): PromptTemplate {
    return new PromptTemplate(name, version, readFileSync(new URL(`${name}.v${version}.md`, directory), 'utf8'));
  }

  /**
   * Both sections with every placeholder filled in one pass: a value that contains `{{…}}` (alert text) is
   * never expanded again. A placeholder without a value is a bug in the caller.
   */
  render(values: Readonly<Record<string, string>>): RenderedPrompt {
    const fill = (section: string) =>
      section.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
        const value = values[key];
        if (value === undefined) throw new Error(`prompt ${this.name} v${this.version}: no value for {{${key}}}`);
        return value;
      });
    return { system: fill(this.#system), prompt: fill(this.#user) };
  }
}

import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { DiagnosisInput } from '../ports/brain-port.ts';
import type { ModelRequest } from '../ports/model-port.ts';
import type { PseudonymVault } from '../privacy/pseudonym-vault.ts';
import { modelActions, modelAnswerJsonSchema } from './model-answer-schema.ts';
import type { PromptTemplate } from './prompt-template.ts';
import { type ShieldOptions, shieldIncident } from './shield-incident.ts';

const maxOutputTokens = 1200;
const clusterScoped = new Set(['Node', 'Namespace']);

/** The catalog as the prompt lists it: name, target kind, parameters. */
export function catalogText(): string {
  return modelActions
    .map((entry) => {
      const schema = z.toJSONSchema(entry.params) as { properties?: Record<string, { type?: string; minimum?: number; maximum?: number }> };
      const params = Object.entries(schema.properties ?? {}).map(([name, property]) => {
        const { minimum, maximum } = property;
        const bounds = minimum === undefined ? '' : maximum === undefined || maximum > 1_000_000 ? ` ≥ ${minimum}` : ` ${minimum}–${maximum}`;
        return `${name} (${property.type ?? 'value'}${bounds})`;
      });
      const where = clusterScoped.has(entry.targetKind) ? 'no namespace' : 'with its namespace';
      return `   - ${entry.name}: a ${entry.targetKind} (${where}); parameters: ${params.length === 0 ? 'none' : params.join(', ')}`;
    })
    .join('\n');
}

/**
 * The request a model gets for `input`: the prompt file filled with the catalog and the pseudonymized incident,
 * fenced by a random nonce the alert text cannot know. In the JSON, `<` is escaped, so no string of the data
 * can even spell a closing marker.
 */
export function modelRequest(input: DiagnosisInput, vault: PseudonymVault, options: ShieldOptions, template: PromptTemplate): ModelRequest {
  const incident = JSON.stringify(shieldIncident(input, vault, options), null, 1).replace(/</g, '\\u003c');
  const rendered = template.render({ nonce: randomBytes(8).toString('hex'), catalog: catalogText(), incident });
  return { system: rendered.system, prompt: rendered.prompt, schema: modelAnswerJsonSchema(), maxOutputTokens };
}

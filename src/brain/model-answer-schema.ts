import { z } from 'zod';
import { actionCatalog, type CatalogEntry } from '../actions/action-catalog.ts';

/**
 * The catalog actions a model may propose: all but the CRITICAL ones (deleting a namespace). Those stay a
 * person's request; a model that an alert talked into one would put it in front of the CTO and the CISO. Nor
 * `set_resources` (ADR 0035): requests come from measured use (FinOps right-sizing), not from an alert's text, and its
 * nested parameters do not fit the flat parameter schema the providers' strict modes are given.
 */
export const modelActions: readonly CatalogEntry[] = [...actionCatalog.values()].filter(
  (entry) => entry.baseRisk !== 'CRITICAL' && entry.name !== 'set_resources',
);

/**
 * The answer a model must give, checked strictly: no key beyond these. Actions are checked one by one
 * (`proposedActionSchema`), so one bad proposal drops itself, not the diagnosis.
 */
export const modelAnswerSchema = z.strictObject({
  diagnosis: z.string().min(1).max(4000),
  confidence: z.number().min(0).max(1),
  actions: z.array(z.unknown()).max(5),
});

/** One proposed action. A `risk` or any other key of its own drops it: risk comes from the catalog and policy. */
export const proposedActionSchema = z.strictObject({
  action: z.string(),
  target: z.strictObject({ kind: z.string(), namespace: z.string().nullable().optional(), name: z.string() }),
  params: z.record(z.string(), z.unknown()).nullable().optional(),
  reason: z.string().max(1000),
});

export type ProposedAction = z.infer<typeof proposedActionSchema>;

/** Every parameter any catalog action takes, nullable (providers' strict modes want every key present). */
function parameterProperties(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const entry of modelActions) {
    const schema = z.toJSONSchema(entry.params) as { properties?: Record<string, { type?: string }> };
    for (const [name, property] of Object.entries(schema.properties ?? {})) properties[name] = { type: [property.type ?? 'string', 'null'] };
  }
  return properties;
}

/**
 * The JSON Schema given to providers for structured output (Ollama `format`, OpenAI `response_format`,
 * Anthropic `output_config`). Kept to what all three accept: no numeric bounds, every key required.
 */
export function modelAnswerJsonSchema(): Record<string, unknown> {
  const params = parameterProperties();
  const kinds = [...new Set(modelActions.map((entry) => entry.targetKind))];
  return {
    type: 'object',
    additionalProperties: false,
    required: ['diagnosis', 'confidence', 'actions'],
    properties: {
      diagnosis: { type: 'string' },
      confidence: { type: 'number' },
      actions: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['action', 'target', 'params', 'reason'],
          properties: {
            action: { type: 'string', enum: modelActions.map((entry) => entry.name) },
            target: {
              type: 'object',
              additionalProperties: false,
              required: ['kind', 'namespace', 'name'],
              properties: { kind: { type: 'string', enum: kinds }, namespace: { type: ['string', 'null'] }, name: { type: 'string' } },
            },
            params: { type: 'object', additionalProperties: false, required: Object.keys(params), properties: params },
            reason: { type: 'string' },
          },
        },
      },
    },
  };
}

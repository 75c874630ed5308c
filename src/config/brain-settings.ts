import { z } from 'zod';

export const brainLinks = ['ollama', 'openai', 'anthropic', 'rules'] as const;
export type BrainLink = (typeof brainLinks)[number];

const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL')
  .transform((url) => url.replace(/\/+$/, ''));
const optionalText = z.string().min(1).optional();

const defaults = {
  timeoutSeconds: 60,
  callTimeoutSeconds: 30,
  retries: 1,
  pseudonymizeNames: 'auto' as const,
  breakerFailures: 3,
  breakerCooldownSeconds: 30,
  ollama: { model: 'llama3.1:8b' },
  openai: { model: 'gpt-4.1-mini' },
  anthropic: { model: 'claude-sonnet-4-5' },
};

/**
 * The brain: which models are asked, in which order, and how. With nothing configured the rules answer alone.
 * `chain` absent: every provider that is configured (OLLAMA_HOST, OPENAI_API_KEY or OPENAI_BASE_URL,
 * ANTHROPIC_API_KEY), in that order (local first), then rules. Rules are always the last link.
 */
export const brainSettings = z
  .object({
    /** Deadline of a whole diagnosis (every link); past it the rules answer. */
    timeoutSeconds: z.coerce.number().positive().max(600).default(defaults.timeoutSeconds),
    chain: z
      .array(z.enum(brainLinks))
      .min(1)
      .refine((links) => new Set(links).size === links.length, 'names a link twice')
      .refine((links) => !links.includes('rules') || links.at(-1) === 'rules', 'rules answer last: nothing after rules is ever asked')
      .optional(),
    /** Deadline of one call to one provider. */
    callTimeoutSeconds: z.coerce.number().positive().max(600).default(defaults.callTimeoutSeconds),
    /** Further attempts at a provider after a retryable failure (429, 5xx, timeout). */
    retries: z.coerce.number().int().min(0).max(5).default(defaults.retries),
    /** Kubernetes names, namespaces, hostnames: pseudonymized for cloud models (`auto`), `always` or `never`. PII always is. */
    pseudonymizeNames: z.enum(['auto', 'always', 'never']).default(defaults.pseudonymizeNames),
    breakerFailures: z.coerce.number().int().min(1).max(100).default(defaults.breakerFailures),
    breakerCooldownSeconds: z.coerce.number().positive().max(3600).default(defaults.breakerCooldownSeconds),
    ollama: z
      .object({ host: httpUrl.optional(), model: z.string().min(1).default(defaults.ollama.model) })
      .strict()
      .default(defaults.ollama),
    openai: z
      .object({
        apiKey: optionalText,
        baseUrl: httpUrl.optional(),
        model: z.string().min(1).default(defaults.openai.model),
        /** Whether the server runs on your own infrastructure; default: a base URL on loopback, a private address or a cluster name. */
        local: z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]).optional(),
      })
      .strict()
      .default(defaults.openai),
    anthropic: z
      .object({ apiKey: optionalText, baseUrl: httpUrl.optional(), model: z.string().min(1).default(defaults.anthropic.model) })
      .strict()
      .default(defaults.anthropic),
  })
  .strict()
  .superRefine((brain, context) => {
    for (const link of brain.chain ?? []) {
      if (link === 'openai' && brain.openai.apiKey === undefined && brain.openai.baseUrl === undefined)
        context.addIssue({ code: 'custom', path: ['chain'], message: 'openai needs OPENAI_API_KEY, or OPENAI_BASE_URL for a compatible server' });
      if (link === 'anthropic' && brain.anthropic.apiKey === undefined)
        context.addIssue({ code: 'custom', path: ['chain'], message: 'anthropic needs ANTHROPIC_API_KEY' });
    }
  })
  .default(defaults);

export type BrainSettings = z.infer<typeof brainSettings>;

/** The providers asked, in order (rules are not listed: they always answer last). */
export function chainOf(brain: BrainSettings): Exclude<BrainLink, 'rules'>[] {
  const chain =
    brain.chain ??
    [
      brain.ollama.host === undefined ? [] : ['ollama' as const],
      brain.openai.apiKey === undefined && brain.openai.baseUrl === undefined ? [] : ['openai' as const],
      brain.anthropic.apiKey === undefined ? [] : ['anthropic' as const],
    ].flat();
  return chain.filter((link) => link !== 'rules');
}

import { z } from 'zod';

const rootCause = z.object({
  service: z.string(),
  kind: z.string(),
  score: z.number(),
  alerting: z.boolean(),
  explains: z.array(z.string()).optional(),
  evidence: z.array(z.string()),
});

// Each part falls back on its own: one malformed key (an older shape, a hand edit) must not blank the card.
const storedSchema = z.object({
  rootCauses: z.array(rootCause).catch([]),
  blastRadius: z.array(z.object({ service: z.string(), depth: z.number() })).catch([]),
  unmappedAlerts: z.array(z.string()).catch([]),
  diagnosis: z
    .object({ source: z.enum(['rules', 'llm']), text: z.string(), by: z.string().optional() })
    .nullable()
    .optional()
    .catch(null),
  failure: z.object({ message: z.string(), at: z.string() }).nullable().optional().catch(null),
});

/** `incidents.analysis` as stored: the analysis of run-incident-analysis, plus the brain's diagnosis. */
export interface StoredAnalysis {
  rootCauses: z.infer<typeof rootCause>[];
  blastRadius: { service: string; depth: number }[];
  unmappedAlerts: string[];
  diagnosis: { source: 'rules' | 'llm'; text: string; by?: string } | null;
  /** Set when the analysis job exhausted its retries: why, and when (ISO). Cleared by the next success. */
  failure: { message: string; at: string } | null;
}

/** Reads the JSON column defensively; null or garbage gives an empty analysis. */
export function readStoredAnalysis(value: unknown): StoredAnalysis {
  const parsed = storedSchema.safeParse(value ?? {});
  if (!parsed.success) return { rootCauses: [], blastRadius: [], unmappedAlerts: [], diagnosis: null, failure: null };
  return { ...parsed.data, diagnosis: parsed.data.diagnosis ?? null, failure: parsed.data.failure ?? null };
}

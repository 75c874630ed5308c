import type { Kysely } from 'kysely';
import type { DiagnosisInput } from '../ports/brain-port.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { findSimilarIncidents } from './find-similar-incidents.ts';
import type { KnowledgeEmbeddings } from './knowledge-embeddings.ts';

/**
 * Past incidents like the one asked about, a line each for the brain's prompt, e.g. "#12 KubePodCrashLooping on
 * checkout (root cause checkout), resolved 2026-03-01 in 4 min; ran: rollout restart of deployment shop/checkout
 * → SUCCEEDED". The shield pseudonymizes them with the rest of the question. With `embeddings`, also those close
 * in meaning (ADR 0034).
 */
export async function similarIncidentLines(
  db: Kysely<DatabaseSchema>,
  question: DiagnosisInput,
  incidentId: string,
  embeddings?: KnowledgeEmbeddings,
): Promise<string[]> {
  const query = {
    id: incidentId,
    services: question.services,
    alertNames: question.alerts.map((alert) => alert.name),
    rootCause: question.analysis?.rootCauses[0]?.service ?? null,
  };
  const history = await findSimilarIncidents(db, query, embeddings);
  return history.similar.map((past) => {
    const cause = past.rootCause === null ? '' : ` (root cause ${past.rootCause})`;
    const ran = past.action === null ? 'no action ran' : `ran: ${past.action} → ${past.outcome ?? 'unknown'}`;
    return `#${past.number} ${past.title}${cause}, resolved ${past.resolvedAt.slice(0, 10)} in ${past.minutesToResolve} min; ${ran}`;
  });
}

import { sql, type Kysely } from 'kysely';
import type { ProposalRow } from '../approval/proposal.table.ts';
import { RuleBrain } from '../brain/rule-brain.ts';
import type { IncidentView } from '../incidents/incident-repository.ts';
import type { BrainError, BrainPort, Diagnosis, DiagnosisInput, DiagnosisResult } from '../ports/brain-port.ts';
import type { PlannedAction } from '../ports/cluster-port.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { TopologyGraph } from '../topology/topology-graph.ts';
import type { IncidentAnalysis } from './analyze-incident.ts';
import { decideRemediation, type ExistingProposal, type RemediationDecision, type SkipReason } from './decide-remediation.ts';
import { diagnosisInput } from './diagnosis-input.ts';

/** What the approval engine's `createProposal` takes: the bot proposes, so nobody requested it. */
export interface CreateProposalInput {
  incidentId: string;
  planned: PlannedAction;
  reason: string;
  requestedBy: string | null;
}

/** What `createProposal` answers; structurally the approval engine's `CreateProposalResult`. */
export type CreateProposalOutcome = { ok: true; proposal: ProposalRow } | { ok: false; error: { code: string; message?: string } };

/** Ports and storage `proposeRemediation` works with; wired in the composition root. */
export interface RemediationDependencies {
  db: Kysely<DatabaseSchema>;
  brain: BrainPort;
  /** Answers when `brain` fails, and supplies the action when none of its proposals fits the catalog. Default: the rule brain. */
  fallback?: BrainPort;
  createProposal: (input: CreateProposalInput) => Promise<CreateProposalOutcome>;
  graph: () => TopologyGraph;
}

/** The incident as stored, and the analysis just computed for it. */
export interface RemediationInput {
  incident: IncidentView;
  analysis: Pick<IncidentAnalysis, 'rootCauses' | 'blastRadius'>;
}

/** What happened to the proposal side: created, deliberately not created, or refused by the approval engine. */
export type RemediationOutcome =
  | { kind: 'proposed'; proposal: ProposalRow }
  | { kind: 'skipped'; reason: SkipReason; message: string }
  | { kind: 'failed'; error: { code: string; message: string } };

export interface RemediationResult {
  /** What was stored on the incident as `analysis.diagnosis`; null when nothing was diagnosed. */
  diagnosis: Diagnosis | null;
  /** The configured brain's failure, when the fallback answered instead (for the log). */
  brainError: BrainError | null;
  outcome: RemediationOutcome;
}

/**
 * After analysis: ask the brain, keep its diagnosis on the incident (`analysis.diagnosis = {source, text}`)
 * and turn its first catalog-valid proposal into an approval proposal, unless that plan is already live.
 * Safe to run again for the same incident: re-sent alert groups do not multiply proposals.
 */
export async function proposeRemediation(deps: RemediationDependencies, input: RemediationInput): Promise<RemediationResult> {
  const { incident } = input;
  if (incident.status === 'resolved') return { diagnosis: null, brainError: null, outcome: skipped('incident_resolved', 'the incident is resolved') };
  const fallback = deps.fallback ?? new RuleBrain();
  const question = diagnosisInput(incident, input.analysis, deps.graph());

  let answer = await ask(deps.brain, question);
  const brainError = answer.ok || deps.brain === fallback ? null : answer.error;
  if (!answer.ok && deps.brain !== fallback) answer = await ask(fallback, question);
  if (!answer.ok)
    return { diagnosis: null, brainError, outcome: { kind: 'failed', error: { code: `brain_${answer.error.code}`, message: answer.error.message } } };
  const diagnosis = answer.diagnosis;
  await storeDiagnosis(deps.db, incident.id, diagnosis);

  const existing = await existingProposals(deps.db, incident.id);
  let decision: RemediationDecision = decideRemediation({ status: incident.status, diagnosis, existing });
  if (decision.kind === 'skip' && decision.reason === 'no_valid_proposal' && deps.brain !== fallback) {
    // A model that proposed something outside the catalog still gets the rules' action, never its own.
    const rules = await ask(fallback, question);
    if (rules.ok) decision = decideRemediation({ status: incident.status, diagnosis: { ...diagnosis, proposals: rules.diagnosis.proposals }, existing });
  }
  if (decision.kind === 'skip') return { diagnosis, brainError, outcome: skipped(decision.reason, decision.message) };

  const created = await deps.createProposal({ incidentId: incident.id, planned: decision.planned, reason: decision.reason, requestedBy: null });
  if (!created.ok) {
    return { diagnosis, brainError, outcome: { kind: 'failed', error: { code: created.error.code, message: created.error.message ?? created.error.code } } };
  }
  return { diagnosis, brainError, outcome: { kind: 'proposed', proposal: created.proposal } };
}

/** A brain that throws is treated like one that failed: the card must not lose its diagnosis to an adapter bug. */
async function ask(brain: BrainPort, question: DiagnosisInput): Promise<DiagnosisResult> {
  try {
    return await brain.diagnose(question);
  } catch (error) {
    return { ok: false, error: { code: 'failed', message: `${brain.description}: ${(error as Error).message}`, retryable: false } };
  }
}

/** Merged into the stored analysis in one statement, so a concurrent writer of other keys loses nothing. */
async function storeDiagnosis(db: Kysely<DatabaseSchema>, incidentId: string, diagnosis: Diagnosis): Promise<void> {
  const stored = JSON.stringify({ source: diagnosis.source, text: diagnosis.summary });
  await db
    .updateTable('incidents')
    .set({ analysis: sql<string>`coalesce(analysis, '{}'::jsonb) || jsonb_build_object('diagnosis', ${stored}::jsonb)` })
    .where('id', '=', incidentId)
    .execute();
}

async function existingProposals(db: Kysely<DatabaseSchema>, incidentId: string): Promise<ExistingProposal[]> {
  return db
    .selectFrom('proposals')
    .select(['id', 'action', 'target', 'params', 'state'])
    .where('incident_id', '=', incidentId)
    .orderBy('created_at', 'desc')
    .execute();
}

function skipped(reason: SkipReason, message: string): RemediationOutcome {
  return { kind: 'skipped', reason, message };
}

import { sql, type Kysely } from 'kysely';
import type { ProposalRow } from '../approval/proposal.table.ts';
import { queueAuditEntry } from '../audit/queue-audit-entry.ts';
import { RuleBrain } from '../brain/rule-brain.ts';
import type { IncidentView } from '../incidents/incident-repository.ts';
import type { BrainError, BrainPort, Diagnosis, DiagnosisInput, DiagnosisResult } from '../ports/brain-port.ts';
import { deadline, failureText } from '../ports/call-options.ts';
import type { PlannedAction } from '../ports/cluster-port.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { TopologyGraph } from '../topology/topology-graph.ts';
import type { IncidentAnalysis } from './analyze-incident.ts';
import { decideRemediation, type ExistingProposal, type RemediationDecision, type SkipReason } from './decide-remediation.ts';
import { diagnosisInput } from './diagnosis-input.ts';
import type { ThoughtStream } from './thought-stream.ts';

/** What the approval engine's `createProposal` takes: the bot proposes, so nobody requested it. */
export interface CreateProposalInput {
  incidentId: string;
  planned: PlannedAction;
  reason: string;
  requestedBy: string | null;
  /** Why the live proposal it replaces gives way (kept as that one's outcome). */
  supersedeReason?: string;
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
  /** Ends a waiting proposal that no longer follows from the analysis: SUPERSEDED with the reason (approval's supersedeProposal). */
  supersedeProposal: (proposalId: string, reason: string) => Promise<boolean>;
  /** Ends the waiting proposals of a resolved incident: EXPIRED, "incident resolved" (approval's endIncidentProposals). */
  endIncidentProposals: (incidentId: string) => Promise<string[]>;
  graph: () => TopologyGraph;
  /** Deadline of each diagnosis (`brain.timeoutSeconds`); default 60 s. Then the fallback answers. */
  brainTimeoutMilliseconds?: number;
  /** Shows a model's diagnosis while it streams in (throttled writes); settled before the final one is stored. */
  thoughts?: ThoughtStream;
  /** Prices the affected services for the brain's question (a model weighs it; the rules do not need it). */
  costAtStake?: (question: DiagnosisInput) => Promise<string | null>;
  /** Past incidents like this one, a line each, for the brain (the knowledge base); none when not given. */
  similarIncidents?: (question: DiagnosisInput, incidentId: string) => Promise<string[]>;
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
  /** Waiting proposals this run ended: the resolved incident's, or one that no longer follows from the analysis. */
  ended: string[];
}

/**
 * After analysis: ask the brain, keep its diagnosis on the incident (`analysis.diagnosis = {source, text}`)
 * and turn its first catalog-valid proposal into an approval proposal, unless that plan is already live. A live
 * proposal that no longer follows from the analysis is superseded, and a resolved incident's waiting proposals
 * end ("incident resolved"). Safe to run again for the same incident: re-sent alert groups do not multiply
 * proposals.
 */
export async function proposeRemediation(deps: RemediationDependencies, input: RemediationInput): Promise<RemediationResult> {
  const { incident } = input;
  if (incident.status !== 'open') {
    // A merged incident's proposals are superseded where the merge is settled (settleMergedIncident).
    const ended = incident.status === 'resolved' ? await deps.endIncidentProposals(incident.id) : [];
    return { diagnosis: null, brainError: null, outcome: skipped('incident_resolved', `the incident is ${incident.status}`), ended };
  }
  const fallback = deps.fallback ?? new RuleBrain();
  const question = diagnosisInput(incident, input.analysis, deps.graph());
  const cost = deps.costAtStake ? await deps.costAtStake(question) : null;
  if (cost !== null) question.costAtStake = cost;
  const similar = deps.similarIncidents ? await deps.similarIncidents(question, incident.id) : [];
  if (similar.length > 0) question.similarIncidents = similar;
  const timeout = deps.brainTimeoutMilliseconds ?? 60_000;

  let answer = await ask(deps.brain, question, timeout, deps.thoughts);
  await deps.thoughts?.settle();
  const brainError = answer.ok || deps.brain === fallback ? null : answer.error;
  if (!answer.ok && deps.brain !== fallback) {
    answer = await ask(fallback, question, timeout);
    // The card says why the rules answered (the chain says so itself when it falls back within its deadline).
    if (answer.ok && brainError !== null) answer = { ok: true, diagnosis: { ...answer.diagnosis, by: answer.diagnosis.by ?? `rules (${brainError.message})` } };
  }
  if (!answer.ok) {
    const error = { code: `brain_${answer.error.code}`, message: answer.error.message };
    return { diagnosis: null, brainError, outcome: { kind: 'failed', error }, ended: [] };
  }
  const diagnosis = answer.diagnosis;
  await storeDiagnosis(deps.db, incident.id, diagnosis);
  await auditRefusedProposals(deps.db, incident.id, diagnosis);

  const existing = await existingProposals(deps.db, incident.id);
  const topRootCause = input.analysis.rootCauses[0]?.service ?? null;
  let decision: RemediationDecision = decideRemediation({ status: incident.status, diagnosis, existing, topRootCause });
  if (decision.kind === 'skip' && decision.reason === 'no_valid_proposal' && deps.brain !== fallback) {
    // A model that proposed something outside the catalog still gets the rules' action, never its own.
    const rules = await ask(fallback, question, timeout);
    if (rules.ok) {
      decision = decideRemediation({ status: incident.status, diagnosis: { ...diagnosis, proposals: rules.diagnosis.proposals }, existing, topRootCause });
    }
  }
  if (decision.kind === 'skip') {
    const ended =
      decision.retire !== null && (await deps.supersedeProposal(decision.retire.proposalId, decision.retire.reason)) ? [decision.retire.proposalId] : [];
    return { diagnosis, brainError, outcome: skipped(decision.reason, decision.message), ended };
  }

  const created = await deps.createProposal({
    incidentId: incident.id,
    planned: decision.planned,
    reason: decision.reason,
    requestedBy: null,
    ...(decision.supersedeReason === null ? {} : { supersedeReason: decision.supersedeReason }),
  });
  if (!created.ok) {
    const error = { code: created.error.code, message: created.error.message ?? created.error.code };
    // The new plan could not be proposed (the cluster refused its dry-run), but the old one still does not follow.
    const replaced = decision.replaces;
    const ended =
      replaced !== null && (await deps.supersedeProposal(replaced, `${decision.supersedeReason}; not proposed: ${error.message}`)) ? [replaced] : [];
    return { diagnosis, brainError, outcome: { kind: 'failed', error }, ended };
  }
  return { diagnosis, brainError, outcome: { kind: 'proposed', proposal: created.proposal }, ended: decision.replaces === null ? [] : [decision.replaces] };
}

/**
 * A brain that throws is treated like one that failed: the card must not lose its diagnosis to an adapter bug.
 * The deadline holds even for an adapter that ignores the signal: the answer is not waited for past it.
 */
async function ask(brain: BrainPort, question: DiagnosisInput, timeoutMilliseconds: number, thoughts?: ThoughtStream): Promise<DiagnosisResult> {
  const signal = deadline(timeoutMilliseconds);
  try {
    return await untilAborted(brain.diagnose(question, thoughts ? { signal, onThought: (thought) => thoughts.onThought(thought) } : { signal }), signal);
  } catch (error) {
    const code = signal.aborted ? 'timeout' : 'failed';
    return { ok: false, error: { code, message: `${brain.description}: ${failureText(error, signal)}`, retryable: signal.aborted } };
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    }),
  ]);
}

/** Merged into the stored analysis in one statement, so a concurrent writer of other keys loses nothing. */
async function storeDiagnosis(db: Kysely<DatabaseSchema>, incidentId: string, diagnosis: Diagnosis): Promise<void> {
  const stored = JSON.stringify({ source: diagnosis.source, text: diagnosis.summary, ...(diagnosis.by === undefined ? {} : { by: diagnosis.by }) });
  await db
    .updateTable('incidents')
    .set({ analysis: sql<string>`coalesce(analysis, '{}'::jsonb) || jsonb_build_object('diagnosis', ${stored}::jsonb)` })
    .where('id', '=', incidentId)
    .execute();
}

/** A model's proposal that was refused is an attempt someone may ask about: each one goes to the audit trail. */
async function auditRefusedProposals(db: Kysely<DatabaseSchema>, incidentId: string, diagnosis: Diagnosis): Promise<void> {
  for (const refused of diagnosis.refused ?? []) {
    await queueAuditEntry(db, {
      kind: 'model_proposal_refused',
      incidentId,
      details: { by: diagnosis.by ?? diagnosis.source, reason: refused.reason, proposal: refused.proposal },
      at: new Date(),
    });
  }
}

async function existingProposals(db: Kysely<DatabaseSchema>, incidentId: string): Promise<ExistingProposal[]> {
  return db
    .selectFrom('proposals')
    .select(['id', 'action', 'target', 'params', 'state', 'requested_by as requestedBy'])
    .where('incident_id', '=', incidentId)
    .orderBy('created_at', 'desc')
    .execute();
}

function skipped(reason: SkipReason, message: string): RemediationOutcome {
  return { kind: 'skipped', reason, message };
}

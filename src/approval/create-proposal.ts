import type { Transaction } from 'kysely';
import { describeAction, validatePlannedAction } from '../actions/action-catalog.ts';
import { appendAudit } from '../audit/append-audit.ts';
import type { Risk } from '../domain/risk.ts';
import { deadline, failureText } from '../ports/call-options.ts';
import type { DryRunResult, PlannedAction } from '../ports/cluster-port.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { timingsOf, type ApprovalDependencies } from './approval-dependencies.ts';
import { incidentCluster } from './incident-cluster.ts';
import { planHash } from './plan-hash.ts';
import { parameterRisk, policyRisk } from './policy-risk.ts';
import type { ProposalRow } from './proposal.table.ts';
import { isUuid, transitionProposal } from './proposal-repository.ts';
import { publishIncidentUpdated } from './publish-incident-updated.ts';
import { readTrustScore } from './trust-repository.ts';
import { adjustRisk, trustPattern } from './trust.ts';

export interface CreateProposalInput {
  incidentId: string;
  /** Untrusted: a model's or a slash command's {action, target, params}; checked against the catalog. */
  planned: unknown;
  reason: string;
  /** Person id of whoever asked for it (slash command), null when the bot proposed it. Four eyes. */
  requestedBy: string | null;
  /** Cost at stake, shown on the card. */
  cost?: unknown;
  /** Why the incident's live proposal gives way to this one (its outcome on the card); default "superseded by a newer proposal". */
  supersedeReason?: string;
  /** Asked by an AI assistant (MCP): never approved by policy alone; LOW becomes MEDIUM, a person signs. */
  askedByAssistant?: boolean;
}

export type CreateProposalErrorCode = 'invalid_action' | 'dry_run_failed' | 'cluster_unavailable' | 'execution_in_progress' | 'unknown_incident';
/** `retryable`: asking again later could succeed (the cluster did not answer in time). */
export type CreateProposalResult =
  | { ok: true; proposal: ProposalRow }
  | { ok: false; error: { code: CreateProposalErrorCode; message: string; retryable: boolean } };

function fail(code: CreateProposalErrorCode, message: string): CreateProposalResult {
  return { ok: false, error: { code, message, retryable: code === 'cluster_unavailable' } };
}

/** Everything decided before the transaction: the cluster is never called while rows are locked. */
interface Prepared {
  planned: PlannedAction;
  dryRun: DryRunResult;
  baseRisk: Risk;
  risk: Risk;
  riskReason: string | null;
  pattern: string;
  trustScore: number;
  /** The incident's cluster among several (ADR 0032), for the audit and the log; null with one. */
  cluster: string | null;
}

/**
 * Turns a planned action into a proposal: catalog check, dry-run, risk (catalog + policy + trust), plan hash;
 * then, in one transaction, supersedes the incident's live proposal and stores this one. A LOW proposal whose
 * dry-run passed is approved at once and its execution enqueued; the card says so through `risk_reason`.
 */
export async function createProposal(deps: ApprovalDependencies, input: CreateProposalInput): Promise<CreateProposalResult> {
  const validated = validatePlannedAction(input.planned);
  if (!validated.ok) return fail('invalid_action', validated.error.message);
  if (!isUuid(input.incidentId)) return fail('unknown_incident', `no incident ${input.incidentId}`);
  const planned = validated.action;

  // The incident's own cluster (ADR 0032): a plan is never dry-run, or run, on another.
  const chosen = await incidentCluster(deps, input.incidentId);
  if (!chosen.ok) return fail('cluster_unavailable', chosen.message);
  const signal = deadline(timingsOf(deps).clusterTimeoutMilliseconds);
  let dryRun: DryRunResult;
  try {
    dryRun = await chosen.cluster.dryRun(planned, { signal });
  } catch (error) {
    return fail('cluster_unavailable', `dry-run of ${describeAction(planned)} did not complete: ${failureText(error, signal)}`);
  }
  if (!dryRun.ok) {
    const failed = dryRun.findings.filter((finding) => !finding.ok).map((finding) => `${finding.check}: ${finding.message}`);
    return fail('dry_run_failed', `dry-run of ${describeAction(planned)} failed: ${failed.join('; ')}`);
  }
  const baseRisk = policyRisk(planned, deps.riskOverrides);
  const pattern = trustPattern(planned);
  const trustScore = await readTrustScore(deps.db, pattern);
  const adjusted = adjustRisk(baseRisk, trustScore, pattern, parameterRisk(planned));
  // An assistant may ask; only people approve.
  const assistantLow = input.askedByAssistant === true && adjusted.risk === 'LOW';
  const risk = assistantLow ? 'MEDIUM' : adjusted.risk;
  const riskReason = assistantLow
    ? 'asked by an AI assistant: a person signs (never auto-approved)'
    : risk === 'LOW'
      ? (adjusted.reason ?? 'auto-approved: LOW risk and the dry-run passed')
      : adjusted.reason;
  const prepared: Prepared = { planned, dryRun, baseRisk, risk, riskReason, pattern, trustScore, cluster: chosen.name };

  const stored = await deps.db.transaction().execute((trx) => store(trx, deps, input, prepared));
  if (!stored.result.ok) return stored.result;
  const { proposal } = stored.result;
  for (const old of stored.superseded) {
    deps.log.info(
      { proposalId: old.id, incidentId: input.incidentId, previousState: old.state, state: 'SUPERSEDED', reason: old.reason, supersededBy: proposal.id },
      'proposal superseded',
    );
  }
  deps.log.info(
    {
      proposalId: proposal.id,
      incidentId: input.incidentId,
      action: planned.action,
      risk: proposal.risk,
      baseRisk: proposal.base_risk,
      state: proposal.state,
      ...(prepared.cluster !== null && { cluster: prepared.cluster }),
    },
    'proposal created',
  );
  await publishIncidentUpdated(deps.events, input.incidentId);
  return stored.result;
}

interface Stored {
  result: CreateProposalResult;
  superseded: { id: string; state: string; reason: string }[];
}

async function store(trx: Transaction<DatabaseSchema>, deps: ApprovalDependencies, input: CreateProposalInput, prepared: Prepared): Promise<Stored> {
  // Serialises proposals of one incident (NO KEY: alerts referencing the incident may still be inserted).
  const incident = await trx.selectFrom('incidents').select('id').where('id', '=', input.incidentId).forNoKeyUpdate().executeTakeFirst();
  if (incident === undefined) return { result: fail('unknown_incident', `no incident ${input.incidentId}`), superseded: [] };

  const live = await trx
    .selectFrom('proposals')
    .select(['id', 'state'])
    .where('incident_id', '=', input.incidentId)
    .where('state', 'in', ['PENDING', 'APPROVED', 'EXECUTING'])
    .forUpdate()
    .execute();
  const executing = live.find((proposal) => proposal.state === 'EXECUTING');
  if (executing !== undefined) {
    return { result: fail('execution_in_progress', `proposal ${executing.id} of this incident is executing; wait for its outcome`), superseded: [] };
  }

  const now = deps.clock.now();
  const reason = input.supersedeReason ?? 'superseded by a newer proposal';
  const superseded: Stored['superseded'] = [];
  for (const old of live) {
    const moved = await transitionProposal(trx, old.id, ['PENDING', 'APPROVED'], 'SUPERSEDED', { decided_at: now, outcome: reason });
    if (moved !== undefined) superseded.push({ id: old.id, state: old.state, reason });
  }

  const autoApproved = prepared.risk === 'LOW';
  const { planned } = prepared;
  const proposal = await trx
    .insertInto('proposals')
    .values({
      incident_id: input.incidentId,
      action: planned.action,
      target: JSON.stringify(planned.target),
      params: JSON.stringify(planned.params),
      reason: input.reason,
      base_risk: prepared.baseRisk,
      risk: prepared.risk,
      risk_reason: prepared.riskReason,
      trust_pattern: prepared.pattern,
      trust_score: prepared.trustScore,
      plan_hash: planHash(planned, prepared.dryRun.state),
      dry_run: JSON.stringify(prepared.dryRun),
      cost: input.cost === undefined ? null : JSON.stringify(input.cost),
      state: autoApproved ? 'APPROVED' : 'PENDING',
      requested_by: input.requestedBy,
      superseded_by: null,
      void_reason: null,
      void_diff: null,
      outcome: null,
      created_at: now,
      expires_at: new Date(now.getTime() + deps.expiryMinutes * 60_000),
      decided_at: autoApproved ? now : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  // The old row can name its successor only once the successor exists (foreign key).
  for (const old of superseded) {
    await trx.updateTable('proposals').set({ superseded_by: proposal.id }).where('id', '=', old.id).execute();
  }
  if (autoApproved) await deps.jobs.enqueue(trx, 'execute-proposal', { proposalId: proposal.id });

  const common = { incidentId: input.incidentId, at: now } as const;
  for (const old of superseded) {
    await appendAudit(trx, {
      ...common,
      kind: 'proposal_superseded',
      proposalId: old.id,
      details: { supersededBy: proposal.id, previousState: old.state, reason: old.reason },
    });
  }
  await appendAudit(trx, {
    ...common,
    kind: 'proposal_created',
    actor: input.requestedBy,
    proposalId: proposal.id,
    details: {
      action: planned.action,
      target: planned.target,
      params: planned.params,
      reason: input.reason,
      baseRisk: prepared.baseRisk,
      risk: prepared.risk,
      riskReason: prepared.riskReason,
      trustPattern: prepared.pattern,
      trustScore: prepared.trustScore,
      planHash: proposal.plan_hash,
      ...(prepared.cluster !== null && { cluster: prepared.cluster }),
      dryRunState: prepared.dryRun.state,
      supersedes: superseded.map((old) => old.id),
    },
  });
  if (autoApproved) {
    await appendAudit(trx, { ...common, kind: 'approved', proposalId: proposal.id, details: { by: 'policy', riskReason: prepared.riskReason } });
  }
  return { result: { ok: true, proposal }, superseded };
}

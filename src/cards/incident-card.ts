import type { Severity } from '../alerts/alert.ts';
import type { ProposalState } from '../approval/proposal-state.ts';
import type { Risk, Role } from '../domain/risk.ts';
import type { PastIncident } from '../knowledge/find-similar-incidents.ts';
import type { ActionTarget, DryRunFinding } from '../ports/cluster-port.ts';

/**
 * One incident as a chat surface shows it: platform-neutral data. Every string here that came from an alert
 * or a model is raw; each renderer (web console HTML, Block Kit, Discord, Telegram) escapes it for its medium.
 */
export interface IncidentCard {
  incidentId: string;
  number: number;
  title: string;
  severity: Severity;
  /** 'merged': closed into `mergedInto`, where the work goes on. */
  status: 'open' | 'resolved' | 'merged';
  /** The incident this one was merged into because an alert connected them; null when it was not. */
  mergedInto: { incidentId: string; number: number } | null;
  /** Numbers of the incidents merged into this one, in the order they merged. */
  absorbed: number[];
  /** The cluster it belongs to (ADR 0032); null or absent with a single cluster, where there is nothing to tell apart. */
  cluster?: CardCluster | null;
  services: string[];
  openedAt: string;
  /** Where the deterministic analysis stands; an empty root-cause list means something else once it is done. */
  analysis: CardAnalysis;
  /** Best first; the first one is "the likely root cause". */
  rootCauses: { service: string; kind: string; score: number; alerting: boolean; evidence: string[] }[];
  blastRadius: { service: string; depth: number }[];
  cost: CardCost | null;
  /** `by`: which brain spoke ("ollama llama3.1:8b", or "rules (ollama: …)" after a fallback); absent on older rows. */
  diagnosis: { source: 'rules' | 'llm'; text: string; by?: string } | null;
  proposal: CardProposal | null;
  /** Reopened because an alert fired again soon after it resolved: how often and when last; null when never. */
  flapped: { count: number; lastAt: string } | null;
  /** Resolved incidents like this one (knowledge base), null when none is known. */
  history: CardHistory | null;
  /** Alert runbook links, already checked to be http(s). */
  runbooks: string[];
  /** Who was paged, when, through what, and who acknowledged (ADR 0026); absent or null when nobody was paged. */
  paging?: CardPaging | null;
  updatedAt: string;
}

/** Which cluster; `note` (raw alert text inside) when an alert named a cluster that is not configured. */
export interface CardCluster {
  name: string;
  note: string | null;
}

/** The incident's latest escalation as the card shows it. Names come from config and are raw text. */
export interface CardPaging {
  /** The Acknowledge button's data: an opaque id, looked up server-side. */
  escalationId: string;
  policy: string;
  state: 'active' | 'acknowledged' | 'resolved' | 'suppressed';
  startedAt: string;
  /** When the next step fires; null when none is left or the escalation stopped. */
  nextStepAt: string | null;
  pages: {
    id: string;
    step: number;
    personName: string;
    channel: string;
    state: 'queued' | 'sending' | 'sent' | 'failed' | 'cancelled';
    at: string;
    error: string | null;
  }[];
  acknowledged: { by: string; via: string; at: string } | null;
  /** Why it was suppressed, or what a step could not do ("nobody on call in primary"). */
  note: string | null;
  /** How often a severity rise chose another policy (ADR 0037); 0 when never. */
  round?: number;
  /** The severity the current policy was chosen for. */
  severity?: string | null;
}

/**
 * `pending`: not analysed yet; `done`: analysed (no root cause then means no alert names a service of the
 * topology, and `unmappedAlerts` says which); `failed`: analysis gave up after its retries, `failure` says why.
 */
export interface CardAnalysis {
  state: 'pending' | 'done' | 'failed';
  unmappedAlerts: string[];
  failure: string | null;
}

/** Past incidents like this one: how often, and what fixed the latest. Titles and actions are raw text. */
export interface CardHistory {
  seen: number;
  /** "seen 3 times, last 12 days ago: restart deployment shop/checkout fixed it in 4 min" */
  text: string;
  similar: PastIncident[];
}

/** Cost at stake, always in dollars. */
export interface CardCost {
  monthlyAtStake: number;
  /** "checkout, payments: $52.10/month at stake" */
  text: string;
  /** "scaling checkout 3 → 5 replicas adds $29.20/month", when the proposal changes the bill. */
  actionDelta: string | null;
}

/** The live proposal of an incident (or the last one, when none is live). */
export interface CardProposal {
  id: string;
  action: string;
  /** "Rollout restart of deployment shop/checkout" */
  description: string;
  target: ActionTarget;
  params: Record<string, unknown>;
  reason: string;
  baseRisk: Risk;
  risk: Risk;
  /** "auto-approved: trust 7 for restart_deployment:shop/checkout*", when trust lowered the risk. */
  riskReason: string | null;
  requiredSignatures: number;
  /** "admin, devops or sre" / "cto and ciso" / "nobody (LOW)". */
  signersText: string;
  state: ProposalState;
  expiresAt: string;
  dryRun: { ok: boolean; findings: DryRunFinding[] };
  signatures: { personId: string; personName: string; roles: Role[]; platform: string; decision: 'approve' | 'reject'; at: string }[];
  /** What is still needed, e.g. "1 more signature from admin, devops or sre"; empty when nothing is. */
  missing: string;
  /** Execution result, the void reason, or why it ended. */
  outcome: string | null;
}

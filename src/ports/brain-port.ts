import type { Severity } from '../alerts/alert.ts';
import type { CallOptions } from './call-options.ts';
import type { BlastRadiusEntry } from '../topology/blast-radius.ts';
import type { RootCauseCandidate } from '../topology/rank-root-causes.ts';
import type { ServiceKind } from '../topology/topology.ts';

/** One alert of the incident as a brain sees it. Plain JSON, so it can go into a prompt as it is. */
export interface DiagnosisAlert {
  name: string;
  status: 'firing' | 'resolved';
  severity: Severity;
  /** The service the alert names (DESIGN.md §4), null when no label names one. */
  service: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** ISO 8601. */
  startsAt: string;
}

/**
 * The facts of one incident a brain diagnoses: the alerts and the deterministic analysis (root causes best
 * first, blast radius). Free text in it is whatever the caller passes: LLM adapters get it pseudonymized.
 */
export interface DiagnosisInput {
  /** The incident diagnosed: keys its pseudonym vault. Absent offline (`awoooi analyze`): a fresh vault per call. */
  incidentId?: string;
  title: string;
  severity: Severity;
  services: string[];
  alerts: DiagnosisAlert[];
  analysis: {
    rootCauses: RootCauseCandidate[];
    blastRadius: BlastRadiusEntry[];
  };
  /** Kind and namespace of the services named above that the topology knows. */
  topology: { service: string; kind: ServiceKind; namespace?: string }[];
  /** Monthly cost at stake of the affected services, in words (as on the card); absent when not priced. */
  costAtStake?: string;
  /** Resolved incidents like this one (knowledge base), one line each: what it was, what ran, how it ended. */
  similarIncidents?: string[];
}

/** A remediation a brain suggests. Untrusted until `validatePlannedAction` accepts it; its risk comes from the catalog. */
export interface ProposedRemediation {
  /** `{action, target, params}`, validated later against the catalog. */
  planned: unknown;
  /** Why, citing the evidence; shown on the card. */
  reason: string;
}

/** What a brain concluded: a summary in plain words and remediations, best first (possibly none). */
export interface Diagnosis {
  source: 'rules' | 'llm';
  /** Which brain spoke, for the card: "ollama llama3.1:8b", or "rules (ollama: no answer within 30 s)". */
  by?: string;
  summary: string;
  proposals: ProposedRemediation[];
  /** A model's proposals that were refused (outside the catalog or the incident, a risk of its own …), for the audit trail. */
  refused?: RefusedProposal[];
}

/** A model's proposal that never became one, as the model wrote it (pseudonymized), and why. */
export interface RefusedProposal {
  proposal: unknown;
  reason: string;
}

/** Why a brain gave no diagnosis; `retryable` says whether asking again could help. */
export interface BrainError {
  code: 'unavailable' | 'timeout' | 'rate_limited' | 'invalid_response' | 'failed';
  message: string;
  retryable: boolean;
}

/** A model's diagnosis while it streams in: who speaks, and the text so far (for people: names put back). */
export interface Thought {
  by: string;
  text: string;
}

/** A diagnosis's deadline and, to watch a model think, a callback for its diagnosis so far. */
export interface DiagnoseOptions extends CallOptions {
  onThought?: (thought: Thought) => void;
}

export type DiagnosisResult = { ok: true; diagnosis: Diagnosis } | { ok: false; error: BrainError };

/**
 * Diagnoses incidents. Implemented by the rule brain (default, and the fallback when a model fails) and by
 * the brain chain (src/brain/brain-chain.ts), which asks models (`ModelPort`) in order and ends with rules. Expected failures are values; a thrown error means something unexpected.
 * `signal` carries the deadline (`brain.timeoutSeconds`): a model that has not answered by then is cut off.
 */
export interface BrainPort {
  /** Shown at start-up and on cards, e.g. "rules (deterministic)". */
  readonly description: string;
  diagnose(input: DiagnosisInput, options: DiagnoseOptions): Promise<DiagnosisResult>;
}

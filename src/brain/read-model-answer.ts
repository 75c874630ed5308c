import { baseRiskOf, describeAction, validatePlannedAction } from '../actions/action-catalog.ts';
import type { BrainError, ProposedRemediation, RefusedProposal } from '../ports/brain-port.ts';
import type { PseudonymVault } from '../privacy/pseudonym-vault.ts';
import { rehydrate, rehydrateValue } from '../privacy/rehydrate.ts';
import { stripHiddenCharacters } from './hidden-characters.ts';
import { type IncidentScope, outsideScope } from './incident-scope.ts';
import { modelActions, modelAnswerSchema, proposedActionSchema } from './model-answer-schema.ts';

export interface ReadAnswer {
  /** The diagnosis in plain words, topology names put back for the people who read the card. */
  summary: string;
  confidence: number;
  proposals: ProposedRemediation[];
  refused: RefusedProposal[];
}

export type ReadAnswerResult = { ok: true; answer: ReadAnswer } | { ok: false; error: BrainError };

const maximumProposalJson = 2000;

function invalid(message: string): ReadAnswerResult {
  return { ok: false, error: { code: 'invalid_response', message, retryable: false } };
}

/** Some local models wrap JSON in a Markdown fence even in JSON mode. */
function unfence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text);
  return fenced ? fenced[1]! : text;
}

/** Model text for people: hidden characters out, topology labels back; PII and secret labels stay labels. */
export function forPeople(text: string, vault: PseudonymVault): string {
  const clean = stripHiddenCharacters(text);
  const rehydrated = rehydrate(clean, vault, { allowed: ['NAME', 'NAMESPACE', 'HOST'] });
  return rehydrated.ok ? rehydrated.value : clean;
}

const withoutNulls = (record: Record<string, unknown> | null | undefined) =>
  Object.fromEntries(Object.entries(record ?? {}).filter(([, value]) => value !== null));

/** One proposed action, checked: shape, labels the vault issued, catalog, risk ceiling, incident scope. */
function readProposal(raw: unknown, vault: PseudonymVault, scope: IncidentScope): { kept: ProposedRemediation } | { refused: string } {
  const shaped = proposedActionSchema.safeParse(raw);
  if (!shaped.success) {
    const claimsRisk = typeof raw === 'object' && raw !== null && Object.keys(raw).some((key) => /risk|approv|sign/i.test(key));
    return {
      refused: claimsRisk ? 'claims a risk or an approval of its own (risk comes from the catalog and policy)' : 'not {action, target, params, reason}',
    };
  }
  const { action, target, params, reason } = shaped.data;
  const plan = {
    action,
    target: { kind: target.kind, name: target.name, ...(target.namespace == null ? {} : { namespace: target.namespace }) },
    params: withoutNulls(params),
  };
  // Only the target and the parameters are rehydrated: the boundary where labels become real objects again.
  const rehydrated = rehydrateValue({ target: plan.target, params: plan.params }, vault);
  if (!rehydrated.ok) return { refused: `names labels this incident never issued: ${rehydrated.error.labels.join(', ')}` };
  const validated = validatePlannedAction({ action, ...rehydrated.value });
  if (!validated.ok) return { refused: validated.error.message };
  if (!modelActions.some((entry) => entry.name === validated.action.action)) {
    return { refused: `${validated.action.action} is ${baseRiskOf(validated.action)}: a model never proposes it, people ask for it` };
  }
  const outside = outsideScope(validated.action.target, scope);
  if (outside !== null) return { refused: outside };
  return { kept: { planned: validated.action, reason: `${forPeople(reason, vault)} (${describeAction(validated.action)})` } };
}

/**
 * A model's answer, read as hostile input: JSON of the strict schema or nothing; each proposal kept only when
 * it passes every check, the rest refused with the reason. Whatever risk the model claims is never read.
 */
export function readModelAnswer(text: string, vault: PseudonymVault, scope: IncidentScope): ReadAnswerResult {
  let document: unknown;
  try {
    document = JSON.parse(unfence(text));
  } catch {
    return invalid('the answer is not JSON');
  }
  const parsed = modelAnswerSchema.safeParse(document);
  if (!parsed.success)
    return invalid(`the answer does not fit the schema (${parsed.error.issues.map((issue) => issue.path.join('.') || issue.message).join(', ')})`);
  const proposals: ProposedRemediation[] = [];
  const refused: RefusedProposal[] = [];
  for (const raw of parsed.data.actions) {
    const outcome = readProposal(raw, vault, scope);
    if ('kept' in outcome) proposals.push(outcome.kept);
    else refused.push({ proposal: clip(raw), reason: outcome.refused });
  }
  return { ok: true, answer: { summary: forPeople(parsed.data.diagnosis, vault), confidence: parsed.data.confidence, proposals, refused } };
}

function clip(raw: unknown): unknown {
  const json = JSON.stringify(raw) ?? 'null';
  return json.length > maximumProposalJson ? `${json.slice(0, maximumProposalJson)}…` : raw;
}

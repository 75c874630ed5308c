import type { PlannedAction } from '../ports/cluster-port.ts';
import { risks, type Risk } from '../domain/risk.ts';

/** Score at which MEDIUM actions of a pattern run without a signature (LOW). */
export const TRUST_LOWERS_MEDIUM = 5;
/** Score at which HIGH actions of a pattern need one signature instead of two (MEDIUM). */
export const TRUST_LOWERS_HIGH = 10;

// Kubernetes' generated name suffixes (pod-template-hash, pod suffix) use this vowel-free alphabet.
const generatedAlphabet = /^[bcdfghjklmnpqrstvwxz2456789]{5,10}$/;

/**
 * A dash-separated name segment that a controller generated rather than a human chose: it contains
 * a digit (`7d9f8b6c5d`, `x2k4p`, StatefulSet ordinal `0`, `v2`), or it is 5–10 characters of
 * Kubernetes' vowel-free random alphabet (a suffix that happened to draw no digit, `xkbzp`).
 */
function looksGenerated(segment: string): boolean {
  return /\d/.test(segment) || generatedAlphabet.test(segment);
}

/**
 * The stable part of an object name: trailing generated segments stripped, the first segment always
 * kept. `checkout-7d9f8b6c5d-x2k4p` → `checkout`, `orders-db-0` → `orders-db`, `api-v2` → `api`.
 * Deliberately crude: a false merge only shares trust between near-identical names in one namespace.
 */
export function nameStem(name: string): string {
  const segments = name.split('-');
  while (segments.length > 1 && looksGenerated(segments[segments.length - 1] ?? '')) segments.pop();
  return segments.join('-');
}

/**
 * Trust is kept per action pattern: `action:namespace/stem*` (`action:stem*` for cluster-scoped
 * targets), e.g. `restart_deployment:shop/checkout*`. Every pod of one deployment shares a pattern.
 */
export function trustPattern(planned: PlannedAction): string {
  const stem = `${nameStem(planned.target.name)}*`;
  const scope = planned.target.namespace === undefined ? stem : `${planned.target.namespace}/${stem}`;
  return `${planned.action}:${scope}`;
}

/** Risk after progressive autonomy. `reason` explains a lowering for the card and the audit trail. */
export interface AdjustedRisk {
  risk: Risk;
  lowered: boolean;
  reason: string | null;
}

/**
 * Lowers a risk by one step when the pattern has earned it: score ≥ 5 turns MEDIUM into LOW,
 * score ≥ 10 turns HIGH into MEDIUM. LOW has nowhere to go and CRITICAL never moves. `floor` is the risk the
 * action's parameters demand (scaling to zero is HIGH): trust never lowers a risk below it, however high.
 */
export function adjustRisk(base: Risk, trustScore: number, pattern?: string, floor?: Risk): AdjustedRisk {
  const of = pattern === undefined ? '' : ` for ${pattern}`;
  const unchanged: AdjustedRisk = { risk: base, lowered: false, reason: null };
  const allowed = (lowered: Risk) => floor === undefined || risks.indexOf(lowered) >= risks.indexOf(floor);
  if (base === 'MEDIUM' && trustScore >= TRUST_LOWERS_MEDIUM && allowed('LOW')) {
    return { risk: 'LOW', lowered: true, reason: `auto-approved: trust ${trustScore}${of}` };
  }
  if (base === 'HIGH' && trustScore >= TRUST_LOWERS_HIGH && allowed('MEDIUM')) {
    return { risk: 'MEDIUM', lowered: true, reason: `lowered HIGH → MEDIUM (one signature): trust ${trustScore}${of}` };
  }
  return unchanged;
}

/**
 * Whether a successful execution of a proposal at this risk earns its pattern trust: only when people approved
 * it (a quorum of signatures). A LOW proposal ran because policy allowed it, and proves nothing about the humans'
 * judgement; letting it count would make a pattern trust itself.
 */
export function earnsTrust(risk: Risk): boolean {
  return risk !== 'LOW';
}

/** What happened to a proposal of the pattern, as far as trust is concerned. */
export type TrustEvent = 'executed_ok' | 'rejected' | 'failed';

/**
 * +1 for an approved proposal that executed successfully; a single reject resets to 0; a failed
 * execution leaves the score alone (the humans agreed, the world did not cooperate).
 */
export function nextTrustScore(current: number, event: TrustEvent): number {
  switch (event) {
    case 'executed_ok':
      return current + 1;
    case 'rejected':
      return 0;
    case 'failed':
      return current;
  }
}

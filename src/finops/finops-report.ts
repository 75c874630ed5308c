import { createHash } from 'node:crypto';
import type { Risk } from '../domain/risk.ts';
import type { PlannedAction } from '../ports/cluster-port.ts';

export type RecommendationKind = 'orphaned_claim' | 'released_volume' | 'zombie_workload' | 'overprovisioned_workload' | 'overprovisioned_node';

/**
 * How a saving turns into money (ADR 0024). `realizable`: billed per object now and stops when it is acted on
 * (storage). `freed`: requests given back to the nodes, money only once the node pool scales down. `overlap`: the
 * same money as workload rows, seen per node (where freed capacity sits); never added to the totals.
 */
export type SavingKind = 'realizable' | 'freed' | 'overlap';

/** One thing to change, what it is worth, and the catalog action that does it (null when the catalog has none). */
export interface Recommendation {
  /** Stable across scans of the same object: `/awoooi finops propose <id>`. */
  id: string;
  kind: RecommendationKind;
  saving: SavingKind;
  target: { kind: string; namespace?: string; name: string };
  /** Rounded to cents. */
  monthly: number;
  annual: number;
  /** One line: what is wasted and why we think so. */
  summary: string;
  /** What to do when no catalog action does it (change requests in the manifest, delete a volume). */
  advice: string | null;
  planned: PlannedAction | null;
  /** Catalog risk of `planned` (before trust); null without an action. */
  risk: Risk | null;
}

export interface MoneyFigure {
  monthly: number;
  annual: number;
}

/** A scan's outcome: every figure in `currency`, rounded to cents. */
export interface FinOpsReport {
  at: string;
  cluster: string;
  usage: string;
  costs: string;
  /** Anything simulated went into it (sandbox cluster, simulated usage history). */
  simulated: boolean;
  currency: string;
  totals: { realizable: MoneyFigure; freed: MoneyFigure };
  /** Largest monthly saving first. */
  recommendations: Recommendation[];
  /** What the scan could not see, said rather than guessed (no usage source, OpenCost down …). */
  notes: string[];
}

/** A short id from what a recommendation is about, so that it survives a rescan of an unchanged cluster. */
export function recommendationId(kind: RecommendationKind, target: Recommendation['target']): string {
  return createHash('sha256')
    .update(`${kind}\u0000${target.kind}\u0000${target.namespace ?? ''}\u0000${target.name}`)
    .digest('hex')
    .slice(0, 8);
}

/** "shop/checkout" or "node-a". */
export function targetName(target: Recommendation['target']): string {
  return target.namespace === undefined ? target.name : `${target.namespace}/${target.name}`;
}

import type { ColumnType, Generated, Selectable } from 'kysely';
import type { ProposalState } from './proposal-state.ts';
import type { Risk } from '../domain/risk.ts';

type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null, string | null>;
type Timestamp = ColumnType<Date, Date, Date>;

/** Row shape of `proposals` (migrations/0002). */
export interface ProposalTable {
  id: Generated<string>;
  incident_id: string;
  action: string;
  target: Json<{ kind: string; namespace?: string; name: string }>;
  params: Json<Record<string, unknown>>;
  reason: string;
  base_risk: Risk;
  risk: Risk;
  risk_reason: string | null;
  trust_pattern: string;
  trust_score: number;
  plan_hash: string;
  dry_run: Json<unknown>;
  cost: NullableJson<unknown>;
  state: ProposalState;
  requested_by: string | null;
  superseded_by: string | null;
  void_reason: string | null;
  void_diff: NullableJson<unknown>;
  outcome: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  decided_at: ColumnType<Date | null, Date | null, Date | null>;
  updated_at: Generated<Date>;
}

/** Row shape of `signatures`: one per person and proposal. */
export interface SignatureTable {
  proposal_id: string;
  person_id: string;
  decision: 'approve' | 'reject';
  platform: string;
  account_id: string;
  roles: ColumnType<string[], string[], string[]>;
  plan_hash: string;
  signed_at: Timestamp;
}

/** Row shape of `executions` (migrations/0002, lease columns 0003): at most one per proposal. */
export interface ExecutionTable {
  id: Generated<string>;
  proposal_id: string;
  status: 'running' | 'succeeded' | 'failed' | 'voided';
  dry_run: NullableJson<unknown>;
  result: NullableJson<unknown>;
  reconciled: Generated<boolean>;
  started_at: Timestamp;
  finished_at: ColumnType<Date | null, Date | null, Date | null>;
  /** Who may act on a running execution: its executor, or the sweep that took it over. */
  lease_owner: ColumnType<string | null, string | null | undefined, string | null>;
  lease_expires_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  heartbeat_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** Row shape of `trust_scores`. */
export interface TrustScoreTable {
  pattern: string;
  score: number;
  updated_at: Generated<Date>;
}

export type ProposalRow = Selectable<ProposalTable>;
export type SignatureRow = Selectable<SignatureTable>;

import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date, Date>;
type OptionalTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;

/** What an escalation is doing: paging (`active`), stopped by an acknowledgement or the incident's resolution, or never started (`suppressed`). */
export type EscalationState = 'active' | 'acknowledged' | 'resolved' | 'suppressed';

/** Row shape of `paging_escalations` (migrations/0014, 0020): one per incident and episode. */
export interface PagingEscalationTable {
  id: Generated<string>;
  incident_id: string;
  /** The incident's flap count when it started: a reopened incident is a new episode. */
  episode: number;
  policy: string;
  state: EscalationState;
  /** Index of the step that fires next; equal to the number of steps once all fired. */
  next_step: ColumnType<number, number | undefined, number>;
  /** When the next step is due; null when none is left or the escalation stopped. */
  next_step_at: OptionalTimestamp;
  started_at: Timestamp;
  acknowledged_at: OptionalTimestamp;
  /** Person id, or the outside name (a PagerDuty user) when no configured person is known. */
  acknowledged_by: ColumnType<string | null, string | null | undefined, string | null>;
  acknowledged_via: ColumnType<string | null, string | null | undefined, string | null>;
  ended_at: OptionalTimestamp;
  /** Why it was suppressed, or what a step could not do. */
  note: ColumnType<string | null, string | null | undefined, string | null>;
  /** The incident's severity when the policy was (last) chosen; a rise chooses again (ADR 0037). */
  severity: ColumnType<string | null, string | null | undefined, string | null>;
  /** How often the policy was chosen again after a rise; its pages carry it. */
  round: ColumnType<number, number | undefined, number>;
  /** Steps are timed from here once the policy was chosen again; null: from `started_at`. */
  steps_from: OptionalTimestamp;
}
export type EscalationRow = Selectable<PagingEscalationTable>;

/** `cancelled`: the escalation was acknowledged or ended before the page went out. */
export type PageState = 'queued' | 'sending' | 'sent' | 'failed' | 'cancelled';

/** Row shape of `paging_pages` (migrations/0014, 0020): one step of one round reaching one person through one channel. */
export interface PagingPageTable {
  id: Generated<string>;
  escalation_id: string;
  /** The escalation's round when the step fired (0 until a severity rise chose another policy). */
  round: ColumnType<number, number | undefined, number>;
  step: number;
  person_id: string;
  channel: string;
  /** The contact (phone, topic, chat id, routing key) as configured when the step fired; never logged. */
  address: string;
  state: PageState;
  queued_at: Timestamp;
  sent_at: OptionalTimestamp;
  attempts: ColumnType<number, number | undefined, number>;
  /** What the provider calls it (Twilio SID, PagerDuty dedup key, Opsgenie request id). */
  external_id: ColumnType<string | null, string | null | undefined, string | null>;
  error: ColumnType<string | null, string | null | undefined, string | null>;
  /** The last follow-up sent to the provider's own incident (PagerDuty, Opsgenie). */
  follow_up: ColumnType<'acknowledge' | 'resolve' | null, 'acknowledge' | 'resolve' | null | undefined, 'acknowledge' | 'resolve' | null>;
}
export type PageRow = Selectable<PagingPageTable>;

/** Row shape of `paging_activation` (migrations/0020): when paging became active; no row while it is off. */
export interface PagingActivationTable {
  singleton: ColumnType<boolean, boolean | undefined, never>;
  active_since: Timestamp;
}

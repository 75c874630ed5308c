import type { IncidentHistory, PastIncident } from '../knowledge/find-similar-incidents.ts';
import type { CardHistory } from './incident-card.ts';

/**
 * The card's line on past incidents like this one, e.g. "seen 3 times, last 12 days ago: restart deployment
 * shop/checkout fixed it in 4 min". Null when the knowledge base knows none.
 */
export function cardHistory(history: IncidentHistory, now: Date): CardHistory | null {
  const last = history.similar[0];
  if (history.seen === 0 || last === undefined) return null;
  const times = history.seen === 1 ? 'once' : `${history.seen} times`;
  return { seen: history.seen, text: `seen ${times}, last ${ago(last.resolvedAt, now)}: ${lesson(last)}`, similar: history.similar };
}

function lesson(past: PastIncident): string {
  const minutes = `${past.minutesToResolve} min`;
  if (past.action === null) return `resolved without an action in ${minutes}`;
  if (past.outcome === 'SUCCEEDED') return `${past.action} fixed it in ${minutes}`;
  return `${past.action} ended ${past.outcome ?? 'without an outcome'}; resolved in ${minutes}`;
}

function ago(at: string, now: Date): string {
  const hours = (now.getTime() - new Date(at).getTime()) / 3_600_000;
  if (hours < 1) return 'less than an hour ago';
  if (hours < 48) return `${Math.floor(hours)} hours ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

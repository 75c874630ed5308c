import { canonicalJson } from '../domain/canonical-json.ts';

/** What changed between the state a signature was bound to and the state found at execution. */
export interface StateDiff {
  /** Keys whose values differ, sorted. */
  keys: string[];
  /** Values before and after, for those keys only (absent keys are left out). */
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

export function stateDiff(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): StateDiff {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((key) => canonicalJson(before[key]) !== canonicalJson(after[key]) || Object.hasOwn(before, key) !== Object.hasOwn(after, key))
    .sort();
  const pick = (state: Readonly<Record<string, unknown>>): Record<string, unknown> =>
    Object.fromEntries(keys.filter((key) => Object.hasOwn(state, key)).map((key) => [key, state[key]]));
  return { keys, before: pick(before), after: pick(after) };
}

import type { AlertRepair } from '../alerts/storable-alert.ts';

// A group of thousands of alerts could all need a repair; the answer names the first ones and counts all.
const listedInAnswer = 20;

/** The part of a 200 answer that says which alerts were stored with repaired values. */
export function repairedAnswer(repairs: readonly AlertRepair[]) {
  return { repaired: repairs.slice(0, listedInAnswer), repairedAlerts: repairs.length };
}

/** Counts and field names for the log, never a value. */
export function repairedLogLine(source: string, repairs: readonly AlertRepair[]) {
  return { source, repairedAlerts: repairs.length, fields: [...new Set(repairs.flatMap((repair) => repair.fields))].slice(0, 20) };
}

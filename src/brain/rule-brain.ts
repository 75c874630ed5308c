import { canonicalJson } from '../domain/canonical-json.ts';
import type { BrainPort, Diagnosis, DiagnosisAlert, DiagnosisInput, DiagnosisResult, ProposedRemediation } from '../ports/brain-port.ts';
import type { RootCauseCandidate } from '../topology/rank-root-causes.ts';
import { applyAlertRule, type RuleContext } from './alert-rules.ts';

/**
 * Deterministic diagnosis: the default when no LLM is configured and the fallback when one fails.
 * Never fails and never waits on anything outside the process.
 */
export class RuleBrain implements BrainPort {
  readonly description = 'rules (deterministic, no model)';

  async diagnose(input: DiagnosisInput): Promise<DiagnosisResult> {
    return { ok: true, diagnosis: diagnoseWithRules(input) };
  }
}

/**
 * Acts only where acting can help: on firing alerts of services that no better-ranked root cause explains.
 * Restarting a service that is slow because its database is down only adds churn, so the alerts of
 * explained services (symptoms) get no action of their own. Proposals come best root cause first.
 */
export function diagnoseWithRules(input: DiagnosisInput): Diagnosis {
  const ranked = input.analysis.rootCauses;
  const top = ranked[0];
  const firing = input.alerts.filter((alert) => alert.status === 'firing');
  const rankOf = (alert: DiagnosisAlert): number => {
    const at = alert.service === null ? -1 : ranked.findIndex((candidate) => candidate.service === alert.service);
    return at < 0 ? Infinity : at;
  };
  const ordered = [...firing].sort((a, b) => rankOf(a) - rankOf(b) || a.startsAt.localeCompare(b.startsAt));
  const context: RuleContext = {
    topology: input.topology,
    evidence: (alert) =>
      top !== undefined && alert.service === top.service ? `; ${top.service} is the likely root cause (score ${top.score.toFixed(2)})` : '',
  };

  const proposals: ProposedRemediation[] = [];
  const plans = new Set<string>();
  const notes: string[] = [];
  // cause → alert name → services whose alert it explains
  const symptoms = new Map<string, Map<string, string[]>>();
  const uncovered: string[] = [];
  for (const alert of ordered) {
    const cause = alert.service === null ? undefined : explainedBy(ranked, alert.service, rankOf(alert));
    if (cause !== undefined) {
      const byName = symptoms.get(cause) ?? new Map<string, string[]>();
      appendOnce(byName, alert.name, alert.service ?? '');
      symptoms.set(cause, byName);
      continue;
    }
    const outcome = applyAlertRule(alert, context);
    if (outcome === null) {
      pushOnce(uncovered, alert.service === null ? alert.name : `${alert.name} on ${alert.service}`);
      continue;
    }
    if (outcome.proposal !== null) {
      const key = canonicalJson(outcome.proposal.planned);
      if (plans.has(key)) continue;
      plans.add(key);
      proposals.push({ planned: outcome.proposal.planned, reason: outcome.proposal.reason });
    }
    pushOnce(notes, outcome.note);
  }

  const summary = [headline(input, top, firing.length)];
  if (ranked.length > 1) {
    const others = ranked.slice(1, 4).map((candidate) => `${candidate.service} (${candidate.score.toFixed(2)})`);
    summary.push(`Other candidates: ${others.join(', ')}.`);
  }
  if (input.analysis.blastRadius.length > 0) {
    summary.push(`Affected upstream: ${listing(input.analysis.blastRadius.map((entry) => entry.service))}.`);
  }
  summary.push(...notes);
  for (const [cause, byName] of symptoms) {
    const alerts = [...byName].map(([name, services]) => `${name} on ${listing(services)}`);
    const plural = [...byName.values()].flat().length > 1;
    summary.push(`${alerts.join('; ')}: ${plural ? 'symptoms' : 'a symptom'} of ${cause}, no action of ${plural ? 'their' : 'its'} own.`);
  }
  if (uncovered.length > 0) summary.push(`No rule covers ${listing(uncovered)}.`);
  if (proposals.length === 0 && firing.length > 0) {
    summary.push(`No automatic action proposed${top === undefined ? '' : `; start with ${top.service}`}.`);
  }
  return { source: 'rules', summary: summary.join(' '), proposals };
}

function headline(input: DiagnosisInput, top: RootCauseCandidate | undefined, firing: number): string {
  if (firing === 0) return 'Every alert of this incident has resolved; nothing to do.';
  if (top === undefined) return `No alert names a service the topology could place, so no root cause is ranked (${input.title}).`;
  const dependents = top.explains.filter((service) => service !== top.service);
  const also = top.alerting && dependents.length > 0 ? `, and ${listing(dependents)}, alerting too, depend${dependents.length === 1 ? 's' : ''} on it` : '';
  return `${top.service} is the likely root cause: ${top.evidence[0] ?? 'ranked first'}${also}.`;
}

/** The best-ranked candidate other than the service itself that explains it, if it ranks above the service. */
function explainedBy(ranked: readonly RootCauseCandidate[], service: string, ownRank: number): string | undefined {
  return ranked.find((candidate, index) => index < ownRank && candidate.service !== service && candidate.explains.includes(service))?.service;
}

function pushOnce(list: string[], item: string): void {
  if (!list.includes(item)) list.push(item);
}

function appendOnce(map: Map<string, string[]>, key: string, item: string): void {
  const list = map.get(key) ?? [];
  pushOnce(list, item);
  map.set(key, list);
}

function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

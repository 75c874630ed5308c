import type { PolicyConfig, PagingSettings } from './paging-settings.ts';

/** What an incident is matched on: its severity and the `team` and `namespace` labels of its alerts. */
export interface IncidentFacts {
  severity: string;
  teams: readonly string[];
  namespaces: readonly string[];
}

/**
 * The escalation policy for an incident: the first whose every condition holds (a label condition holds when any
 * of the incident's alerts carries one of its values), else `defaultPolicy`, else the last policy. Undefined when
 * no policy is configured.
 */
export function choosePolicy(settings: Pick<PagingSettings, 'policies' | 'defaultPolicy'>, facts: IncidentFacts): PolicyConfig | undefined {
  const matched = settings.policies.find(({ match }) => {
    if (Object.keys(match).length === 0) return false;
    if (match.severities !== undefined && !(match.severities as readonly string[]).includes(facts.severity)) return false;
    if (match.teams !== undefined && !match.teams.some((team) => facts.teams.includes(team))) return false;
    if (match.namespaces !== undefined && !match.namespaces.some((namespace) => facts.namespaces.includes(namespace))) return false;
    return true;
  });
  if (matched !== undefined) return matched;
  if (settings.defaultPolicy !== undefined) return settings.policies.find((policy) => policy.id === settings.defaultPolicy);
  return settings.policies.findLast((policy) => Object.keys(policy.match).length === 0) ?? settings.policies.at(-1);
}

import type { AlertingService } from './rank-root-causes.ts';

// Long incidents would otherwise bury the card under one line per dependent.
const maxListed = 8;

/** Evidence sentences for a root-cause candidate, in words an on-call engineer can check. */
export const evidence = {
  /** `"orders-db" is alerting: PostgresDown (critical) since 10:00:03Z` */
  alerting(alert: AlertingService): string {
    const since = Number.isNaN(alert.firstStartsAt.getTime()) ? '' : ` since ${clock(alert.firstStartsAt)}`;
    return `"${alert.service}" is alerting: ${alert.alertNames.join(', ')} (${alert.severity})${since}`;
  },

  /** `checkout → payments → orders-db (2 hops); checkout is alerting: HighLatency` */
  dependent(path: readonly string[], dependent: AlertingService): string {
    return `${route(path)}; ${dependent.service} is alerting: ${dependent.alertNames.join(', ')}`;
  },

  /** `no alert of its own, but checkout, cart and payments all depend on it` */
  silent(dependents: readonly string[]): string {
    const all = dependents.length === 2 ? 'both' : 'all';
    return `no alert of its own, but ${listing(dependents)} ${all} depend on it`;
  },

  /** `itself depends on alerting "orders-db": payments → orders-db (1 hop)` */
  dependsOnAlerting(path: readonly string[]): string {
    return `itself depends on alerting "${path.at(-1) ?? ''}": ${route(path)}`;
  },

  unknown(service: string): string {
    return `"${service}" is not in the topology, so it can only explain its own alerts`;
  },

  more(count: number, what: string): string {
    return `…and ${count} more ${what}`;
  },
};

/** The first evidence lines of `count`, written by `lineAt` only for those listed, saying how many were left out. */
export function cappedLines(count: number, lineAt: (index: number) => string, what: string): string[] {
  const lines = Array.from({ length: Math.min(count, maxListed) }, (_, index) => lineAt(index));
  return count > maxListed ? [...lines, evidence.more(count - maxListed, what)] : lines;
}

function route(path: readonly string[]): string {
  const hops = path.length - 1;
  return `${path.join(' → ')} (${hops} ${hops === 1 ? 'hop' : 'hops'})`;
}

function listing(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

function clock(at: Date): string {
  return `${at.toISOString().slice(11, 19)}Z`;
}

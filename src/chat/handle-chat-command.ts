import { sql, type Kysely } from 'kysely';
import type { IncidentCard } from '../cards/incident-card.ts';
import { renderCardText } from '../cards/render-card-text.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { analyzeIncident } from '../analysis/analyze-incident.ts';
import type { Click, ClickResult } from '../approval/handle-click.ts';
import { decideByCommand } from './decide-by-command.ts';
import { type FinOpsCommandDependencies, finopsCommand } from './finops-command.ts';
import type { TopologyGraph } from '../topology/topology-graph.ts';

export interface ChatCommandDependencies {
  db: Kysely<DatabaseSchema>;
  graph: () => TopologyGraph;
  maxDepth: number;
  buildCard: (incidentId: string) => Promise<IncidentCard | null>;
  log: Logger;
  /** `handleClick`, for `/awoooi approve|reject`; without it those commands are refused. */
  decide?: (click: Click) => Promise<ClickResult>;
  /** Who is on call at a moment, in words (the configured schedules); without it `oncall` says there are none. */
  onCall?: (at: Date) => string;
  now?: () => Date;
  /** `/awoooi finops [propose <id>]`; without it the command says FinOps is not available. */
  finops?: FinOpsCommandDependencies;
  /**
   * `/awoooi diagnose <service>` with no open incident: opens one on request (`requestDiagnosis`), so its card can
   * be signed; asked only for a configured person (`personOf`). Without it the command answers from the topology.
   */
  diagnosis?: {
    request(service: string, requestedBy: string): Promise<string>;
    personOf(platform: ChatCommand['platform'], accountId: string): string | undefined;
  };
}

/** A slash command, platform-neutral: `/awoooi <text>`. */
export interface ChatCommand {
  platform: 'slack' | 'discord' | 'telegram';
  /** Slack team, Telegram chat: where the command was typed. */
  workspace: string;
  channel: string;
  accountId: string;
  text: string;
  /** The signed request (Slack: its signature), so that a replayed approve changes nothing. */
  requestKey?: string;
}

/** The answer, raw text for the one who asked (adapters escape it). */
export interface ChatCommandAnswer {
  text: string;
}

const help = [
  'AWOOOI commands:',
  '/awoooi diagnose <service> — root cause, blast radius, cost and the proposal for a service: its open incident, or one opened now whose card can be signed',
  '/awoooi status — the open incidents, newest first',
  '/awoooi approve <incident number> | /awoooi reject <incident number> — decide on its proposal, as the buttons do',
  '/awoooi oncall — who is on call now and who is next, per schedule',
  '/awoooi finops — what the cluster wastes (realizable and freed, monthly and annual); /awoooi finops propose <id> — one as a proposal',
  '/awoooi help — this list',
].join('\n');

const serviceName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

/**
 * The one door for slash commands. `diagnose <service>` answers from what the bot already knows: the newest
 * open incident that involves the service (its card: root cause with evidence, blast radius, cost,
 * diagnosis, proposal), else what the topology says would be hit if it failed. Never waits for a model.
 */
export async function handleChatCommand(deps: ChatCommandDependencies, command: ChatCommand): Promise<ChatCommandAnswer> {
  const [verb = 'help', ...rest] = command.text.trim().split(/\s+/).filter(Boolean);
  deps.log.info({ platform: command.platform, verb: verb.slice(0, 32) }, 'chat command');
  if (verb === 'status') return status(deps);
  if (verb === 'finops') return { text: await finopsCommand(deps.finops, command, rest) };
  if (verb === 'oncall') return { text: deps.onCall?.((deps.now ?? (() => new Date()))()) ?? 'No on-call schedules configured.' };
  if (verb === 'approve' || verb === 'reject') {
    if (deps.decide === undefined) return { text: 'Deciding by command is not available here; use the card buttons.' };
    const decided = await decideByCommand(
      { db: deps.db, now: deps.now ?? (() => new Date()), decide: deps.decide },
      { ...command, decision: verb, incident: rest[0] },
    );
    return { text: decided };
  }
  if (verb !== 'diagnose') return { text: verb === 'help' ? help : `Unknown command "${verb.slice(0, 32)}".\n${help}` };
  const service = rest[0];
  if (service === undefined || !serviceName.test(service)) return { text: 'Usage: /awoooi diagnose <service>' };

  const open = await deps.db
    .selectFrom('incidents')
    .select('id')
    .where('status', '=', 'open')
    .where(sql<boolean>`${service} = ANY(services)`)
    .orderBy('opened_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (open !== undefined) {
    const card = await deps.buildCard(open.id);
    if (card !== null) {
      return { text: `Open incident #${card.number} involves ${service}; sign its proposal on its card in the incidents channel:\n${renderCardText(card)}` };
    }
  }
  const graph = deps.graph();
  if (graph.indexOf(service) < 0) return { text: `No open incident involves ${service}, and the topology has no service of that name.` };
  const person = deps.diagnosis?.personOf(command.platform, command.accountId);
  if (deps.diagnosis !== undefined && person !== undefined) return { text: await deps.diagnosis.request(service, person) };
  const analysis = analyzeIncident([{ name: 'diagnose', service, severity: 'warning', status: 'firing', startsAt: new Date() }], graph, deps.maxDepth);
  const radius = analysis.blastRadius.map((entry) => `${entry.service} (${entry.depth} ${entry.depth === 1 ? 'hop' : 'hops'})`);
  const dependencies = analysis.rootCauses.filter((candidate) => candidate.service !== service).map((candidate) => candidate.service);
  return {
    text: [
      `No open incident involves ${service}: nothing is alerting there now.`,
      `If it failed, the blast radius would be: ${radius.join(', ') || 'nothing depends on it'}.`,
      `It depends on: ${dependencies.join(', ') || 'nothing in the topology'}.`,
      ...(deps.diagnosis === undefined ? [] : ['Only a configured person (approvals.people) can open a diagnosis to sign; nothing was opened.']),
    ].join('\n'),
  };
}

const statusLimit = 20;

/** Open incidents, newest first, with their live proposal's state: what someone joining the call asks first. */
async function status(deps: ChatCommandDependencies): Promise<ChatCommandAnswer> {
  const open = await deps.db
    .selectFrom('incidents')
    .select(['id', 'number', 'title', 'severity', 'opened_at'])
    .where('status', '=', 'open')
    .orderBy('opened_at', 'desc')
    .limit(statusLimit + 1)
    .execute();
  if (open.length === 0) return { text: 'No open incidents.' };
  const proposals = await deps.db
    .selectFrom('proposals')
    .select(['incident_id', 'state', 'action'])
    .where(
      'incident_id',
      'in',
      open.map((incident) => incident.id),
    )
    .where('state', 'in', ['PENDING', 'APPROVED', 'EXECUTING'])
    .execute();
  const lines = open.slice(0, statusLimit).map((incident) => {
    const live = proposals.find((proposal) => proposal.incident_id === incident.id);
    const proposal = live === undefined ? 'no live proposal' : `${live.action} ${live.state}`;
    return `#${incident.number} [${incident.severity}] ${incident.title} — opened ${incident.opened_at.toISOString()} — ${proposal}`;
  });
  if (open.length > statusLimit) lines.push(`… and more: the web console lists them all.`);
  return { text: `Open incidents:\n${lines.join('\n')}` };
}

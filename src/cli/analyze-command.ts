import { readFile } from 'node:fs/promises';
import { clusterNamesOf } from '../config/cluster-names.ts';
import { describeAction, validatePlannedAction } from '../actions/action-catalog.ts';
import type { Config } from '../config/config-schema.ts';
import { readTopologyFile } from '../topology/read-topology-file.ts';
import { TopologyGraph } from '../topology/topology-graph.ts';
import { chooseBrain } from './choose-brain.ts';
import { analyzeOffline, type OfflineIncident, type OfflineProposal } from './analyze-offline.ts';

export interface AnalyzeArguments {
  alerts: string;
  topology: string;
  json: boolean;
}

/** `awoooi analyze`: exit 0 with the incidents, 2 with a clear error for a bad file. */
export async function analyzeCommand(config: Config, args: AnalyzeArguments, output: NodeJS.WritableStream, errors: NodeJS.WritableStream): Promise<number> {
  const fail = (lines: string[]) => {
    errors.write(lines.map((line) => `awoooi analyze: ${line}\n`).join(''));
    return 2;
  };
  const topology = await readTopologyFile(args.topology);
  if (!topology.ok) return fail(topology.errors);
  let text: string;
  try {
    text = await readFile(args.alerts, 'utf8');
  } catch (error) {
    return fail([`${args.alerts}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return fail([`${args.alerts}: not valid JSON (${(error as Error).message})`]);
  }
  const result = await analyzeOffline(Array.isArray(document) ? document : [document], {
    graph: TopologyGraph.build(topology.services),
    serviceLabels: config.topology.serviceLabels,
    clusters: clusterNamesOf(config),
    windowMilliseconds: config.incidents.correlationWindowMinutes * 60_000,
    maxDepth: config.topology.maxDepth,
    brainTimeoutMilliseconds: config.brain.timeoutSeconds * 1000,
    // The same chain as the bot (without a database: a fresh vault per incident), so this shows what a model would propose.
    brain: chooseBrain(config.brain),
  });
  if (!result.ok) return fail(result.errors.map((line) => `${args.alerts}: ${line}`));
  output.write(args.json ? `${JSON.stringify({ incidents: result.incidents }, null, 2)}\n` : renderText(result.incidents));
  return 0;
}

function renderText(incidents: OfflineIncident[]): string {
  if (incidents.length === 0) return 'No firing alerts: no incident would open.\n';
  return incidents
    .map((incident) => {
      const lines = [`${incident.id}  [${incident.severity}] ${incident.title}`, `  services: ${incident.services.join(', ') || '(none mapped)'}`];
      lines.push('  root causes, best first:');
      for (const candidate of incident.rootCauses) {
        lines.push(`    ${candidate.score.toFixed(2)}  ${candidate.service} (${candidate.kind}${candidate.alerting ? ', alerting' : ', silent'})`);
        for (const line of candidate.evidence) lines.push(`          - ${line}`);
      }
      const radius = incident.blastRadius.map((entry) => `${entry.service} (${entry.depth})`).join(', ');
      lines.push(`  blast radius: ${radius || 'nothing depends on the failing services'}`);
      lines.push(`  diagnosis: ${incident.diagnosis}`);
      if (incident.diagnosedBy !== 'rules') lines.push(`  diagnosed by: ${incident.diagnosedBy}`);
      if (incident.proposals.length === 0) lines.push('  proposals: none (diagnosis only)');
      else {
        lines.push('  proposals, best first:');
        for (const proposal of incident.proposals) lines.push(...proposalLines(proposal));
      }
      return lines.join('\n');
    })
    .join('\n\n')
    .concat('\n');
}

function proposalLines(proposal: OfflineProposal): string[] {
  const validated = validatePlannedAction(proposal);
  const description = validated.ok ? describeAction(validated.action) : proposal.action;
  const signatures = proposal.requiredSignatures === 1 ? '1 signature' : `${proposal.requiredSignatures} signatures`;
  return [`    ${proposal.action}: ${description}`, `          risk ${proposal.risk}, needs ${signatures}`, `          reason: ${proposal.reason}`];
}

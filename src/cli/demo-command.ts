import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { verifyAuditChain } from '../audit/verify-audit-chain.ts';
import { handleClick } from '../approval/handle-click.ts';
import { buildIncidentCard } from '../cards/build-incident-card.ts';
import { renderCardText } from '../cards/render-card-text.ts';
import { configSchema } from '../config/config-schema.ts';
import { SandboxCluster } from '../../adapters/sandbox/sandbox-cluster.ts';
import { startBot, type RunningBot } from './start-bot.ts';
import { waitFor } from './wait-for.ts';

type Step = { name: string; ok: boolean; detail: string };

// The crash-loop alert of the demo shop (same shape as test/fixtures/alertmanager-v4-crashloop.json), shipped
// beside the sandbox so that the demo also runs from the container image, which has no test/ folder.
const fixture = new URL('../../adapters/sandbox/demo-alert.json', import.meta.url);

/**
 * `awoooi demo`, the tracer bullet: on embedded defaults (a fresh PGlite, the simulated sandbox cluster, rules
 * instead of a model) fire an alert through the real HTTP endpoint and follow it through analysis, proposal,
 * multi-signature approval and execution; then a second round where the cluster changes between signing and
 * execution, which must end VOIDED. Prints every step PASS/FAIL; exit code 1 if any failed.
 */
export async function demoCommand(output: NodeJS.WritableStream): Promise<number> {
  const dataDir = await mkdtemp(join(tmpdir(), 'awoooi-demo-'));
  const cluster = SandboxCluster.withDemoData();
  // Restarts need two signers here, so the demo shows a real multi-signature approval.
  const config = configSchema.parse({ server: { port: 0 }, storage: { dataDir }, approvals: { riskOverrides: { restart_deployment: 'HIGH' } } });
  const steps: Step[] = [];
  const record = (name: string, ok: boolean, detail: string) => {
    steps.push({ name, ok, detail });
    output.write(`${ok ? 'PASS' : 'FAIL'}  ${name.padEnd(20)} ${detail}\n`);
    return ok;
  };
  output.write(`AWOOOI demo — embedded PostgreSQL (PGlite), ${cluster.description}, rule-based diagnosis\n\n`);
  const started = await startBot(config, pino({ level: 'silent' }), { cluster });
  if (!started.ok) {
    output.write(`FAIL  start                ${started.errors.join('; ')}\n`);
    return 1;
  }
  const bot = started.bot;
  try {
    output.write('Round 1: crash-looping payments/api, approved by two people, executed\n');
    const first = await round(bot, record, { namespace: 'payments', pod: 'api-7d9f-x2k', container: 'api', fingerprint: 'de0000000000a001' }, 'SUCCEEDED');
    output.write('\nRound 2: crash-looping shop/cart; someone scales it by hand between the signatures\n');
    const second = await round(bot, record, { namespace: 'shop', pod: 'cart-5c7f9-q8z2d', container: 'cart', fingerprint: 'de0000000000a002' }, 'VOIDED', () =>
      cluster.mutate('Deployment', 'shop', 'cart', { replicas: 3 }),
    );
    const audit = await verifyAuditChain(bot.database.db);
    record('audit_chain', audit.ok, audit.ok ? `${audit.entries} entries, hash chain intact` : `broken at ${audit.firstBroken.sequence}`);
    if (first && second) {
      const card = await buildIncidentCard(bot.database.db, second, { people: bot.parts.people, cluster, prices: config.prices });
      if (card) output.write(`\nThe card of round 2, as chat would show it:\n\n${renderCardText(card)}\n`);
    }
  } catch (error) {
    record('demo', false, `unexpected error: ${(error as Error).message}`);
  } finally {
    await bot.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  const failed = steps.filter((step) => !step.ok);
  output.write(`\nSummary: ${steps.length - failed.length} passed, ${failed.length} failed\n`);
  return failed.length === 0 ? 0 : 1;
}

async function round(
  bot: RunningBot,
  record: (name: string, ok: boolean, detail: string) => boolean,
  alert: { namespace: string; pod: string; container: string; fingerprint: string },
  expected: 'SUCCEEDED' | 'VOIDED',
  betweenSignatures?: () => void,
): Promise<string | null> {
  const db = bot.database.db;
  const payload = JSON.parse(await readFile(fixture, 'utf8'));
  payload.groupKey = `demo:${alert.fingerprint}`;
  Object.assign(payload.alerts[0], { fingerprint: alert.fingerprint, startsAt: new Date().toISOString() });
  Object.assign(payload.alerts[0].labels, { namespace: alert.namespace, pod: alert.pod, container: alert.container });
  const response = await fetch(`${bot.url}/api/v1/alerts/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  const body = (await response.json()) as { incidents?: string[] };
  const incidentId = body.incidents?.[0];
  if (
    !record(
      'trigger_alert',
      response.status === 200 && Boolean(incidentId),
      `POST /api/v1/alerts/alertmanager → ${response.status}, incident ${incidentId ?? 'none'}`,
    ) ||
    !incidentId
  )
    return null;

  const analysis = await waitFor(async () => {
    const row = await db.selectFrom('incidents').select('analysis').where('id', '=', incidentId).executeTakeFirst();
    const value = row?.analysis as { rootCauses?: { service: string }[]; blastRadius?: { service: string }[] } | null;
    return value?.rootCauses?.length ? value : undefined;
  });
  const blast = analysis?.blastRadius?.map((entry) => entry.service).join(', ') || 'none';
  if (
    !record('graphrag_analysis', Boolean(analysis), analysis ? `root cause ${analysis.rootCauses![0]!.service}; blast radius ${blast}` : 'no analysis in time')
  )
    return null;

  const proposal = await waitFor(() =>
    db.selectFrom('proposals').selectAll().where('incident_id', '=', incidentId).where('state', '=', 'PENDING').executeTakeFirst(),
  );
  if (
    !record(
      'generate_approval',
      Boolean(proposal),
      proposal ? `${proposal.action} ${proposal.target.namespace}/${proposal.target.name}, risk ${proposal.risk}, dry-run passed` : 'no proposal in time',
    ) ||
    !proposal
  )
    return null;

  const signers: string[] = [];
  for (const person of bot.parts.people) {
    const current = await db.selectFrom('proposals').select('state').where('id', '=', proposal.id).executeTakeFirstOrThrow();
    if (current.state !== 'PENDING') break;
    const result = await handleClick(bot.approval, {
      platform: 'web',
      accountId: person.accounts.web ?? person.id,
      proposalId: proposal.id,
      decision: 'approve',
    });
    if (!result.ok) continue;
    signers.push(`${person.id} (${person.roles.join('+')})`);
    if (betweenSignatures && signers.length === 1) betweenSignatures();
  }
  const approved = await db.selectFrom('signatures').select('person_id').where('proposal_id', '=', proposal.id).execute();
  record(
    'multisig_approval',
    approved.length >= 2,
    `signed by ${signers.join(', ')}${betweenSignatures ? ' — the cluster changed after the first signature' : ''}`,
  );

  const final = await waitFor(() =>
    db
      .selectFrom('proposals')
      .select(['state', 'outcome', 'void_reason'])
      .where('id', '=', proposal.id)
      .where('state', 'in', ['SUCCEEDED', 'FAILED', 'VOIDED'])
      .executeTakeFirst(),
  );
  const detail = final ? `${final.state}: ${final.void_reason ?? final.outcome ?? ''} (sandbox cluster, simulated)` : 'did not finish in time';
  record(expected === 'VOIDED' ? 'toctou_void' : 'mcp_execution', final?.state === expected, detail);
  return incidentId;
}

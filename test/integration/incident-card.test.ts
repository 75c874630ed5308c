import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCluster } from '../../adapters/sandbox/sandbox-cluster.ts';
import { baseRiskOf } from '../../src/actions/action-catalog.ts';
import { parseAlertmanager } from '../../src/alerts/parse-alertmanager.ts';
import { analyzeIncident } from '../../src/analysis/analyze-incident.ts';
import { proposeRemediation, type CreateProposalInput, type RemediationDependencies } from '../../src/analysis/propose-remediation.ts';
import { planHash } from '../../src/approval/plan-hash.ts';
import { trustPattern } from '../../src/approval/trust.ts';
import { RuleBrain } from '../../src/brain/rule-brain.ts';
import { buildIncidentCard } from '../../src/cards/build-incident-card.ts';
import { renderCardText } from '../../src/cards/render-card-text.ts';
import type { Person } from '../../src/domain/person.ts';
import { defaultPrices } from '../../src/finops/pricing.ts';
import { findIncident } from '../../src/incidents/incident-repository.ts';
import type { BrainPort } from '../../src/ports/brain-port.ts';
import { parseTopology } from '../../src/topology/parse-topology.ts';
import { serviceOfAlert } from '../../src/topology/service-of-alert.ts';
import { TopologyGraph } from '../../src/topology/topology-graph.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8'));
const topology = parseTopology(readFileSync(new URL('../../adapters/sandbox/demo-topology.yaml', import.meta.url), 'utf8'));
if (!topology.ok) throw new Error(topology.errors.join('\n'));
const graph = TopologyGraph.build(topology.services);
const people: Person[] = [
  { id: 'ann', name: 'Ann Example', roles: ['sre'], accounts: { slack: 'U01' } },
  { id: 'vic', name: 'Vic Viewer', roles: ['viewer'], accounts: { slack: 'U02' } },
];

describe('remediation proposals and incident cards on PostgreSQL [sandbox cluster, simulated]', () => {
  let database: TestDatabase;
  let incidentId: string;
  const cluster = SandboxCluster.withDemoData();
  const created: CreateProposalInput[] = [];

  /** Stands in for the approval engine's createProposal: dry-run, catalog risk, one PENDING row. */
  const createProposal: RemediationDependencies['createProposal'] = async (input) => {
    created.push(input);
    const dryRun = await cluster.dryRun(input.planned);
    const risk = baseRiskOf(input.planned);
    const now = new Date();
    const proposal = await database.handle.db
      .insertInto('proposals')
      .values({
        incident_id: input.incidentId,
        action: input.planned.action,
        target: JSON.stringify(input.planned.target),
        params: JSON.stringify(input.planned.params),
        reason: input.reason,
        base_risk: risk,
        risk,
        risk_reason: null,
        trust_pattern: trustPattern(input.planned),
        trust_score: 0,
        plan_hash: planHash(input.planned, dryRun.state),
        dry_run: JSON.stringify(dryRun),
        cost: null,
        state: 'PENDING',
        requested_by: input.requestedBy,
        created_at: now,
        expires_at: new Date(now.getTime() + 30 * 60_000),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ok: true, proposal };
  };
  const deps = (brain: BrainPort = new RuleBrain()): RemediationDependencies => ({
    db: database.handle.db,
    brain,
    createProposal,
    supersedeProposal: async () => false,
    endIncidentProposals: async () => [],
    graph: () => graph,
  });
  const propose = async (brain?: BrainPort, brainTimeoutMilliseconds?: number) => {
    const incident = (await findIncident(database.handle.db, incidentId))!;
    const alerts = incident.alerts.map((alert) => ({ ...alert, severity: 'warning' as const, startsAt: new Date(alert.startsAt) }));
    const options = brainTimeoutMilliseconds === undefined ? {} : { brainTimeoutMilliseconds };
    return proposeRemediation({ ...deps(brain), ...options }, { incident, analysis: analyzeIncident(alerts, graph, 3) });
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const parsed = parseAlertmanager(fixture);
    if (!parsed.ok) throw new Error(parsed.issues.join());
    const alert = { ...parsed.alerts[0]!, service: serviceOfAlert(parsed.alerts[0]!.labels) };
    const analysis = analyzeIncident([alert], graph, 3);
    const row = await database.handle.db
      .insertInto('incidents')
      .values({
        title: 'KubePodCrashLooping on api',
        severity: 'warning',
        status: 'open',
        group_key: fixture.groupKey,
        services: ['api'],
        opened_at: alert.startsAt,
        last_alert_at: alert.startsAt,
        resolved_at: null,
        analysis: JSON.stringify(analysis),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    incidentId = row.id;
    // A second pod of the same deployment, whose runbook link is not one a card may show.
    const sibling = {
      ...alert,
      fingerprint: 'a1b2c3d4e5f60719',
      labels: { ...alert.labels, pod: 'api-7d9f-m4n' },
      annotations: { ...alert.annotations, runbook_url: 'javascript:alert(1)' },
    };
    await database.handle.db
      .insertInto('alerts')
      .values(
        [alert, sibling].map((each) => ({
          incident_id: incidentId,
          fingerprint: each.fingerprint,
          name: each.name,
          status: each.status,
          severity: each.severity,
          service: each.service,
          labels: JSON.stringify(each.labels),
          annotations: JSON.stringify(each.annotations),
          starts_at: each.startsAt,
          ends_at: null,
          source: 'alertmanager',
          group_key: each.groupKey,
          generator_url: each.generatorUrl,
        })),
      )
      .execute();
  });
  afterAll(async () => database?.drop());

  it("proposes the rule brain's restart and keeps the diagnosis next to the analysis", async () => {
    const result = await propose();
    expect(result.outcome.kind).toBe('proposed');
    expect(created).toEqual([
      {
        incidentId,
        planned: { action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'payments', name: 'api' }, params: {} },
        reason: expect.stringContaining('CrashLoopBackOff'),
        requestedBy: null,
      },
    ]);
    const stored = (await findIncident(database.handle.db, incidentId))!.analysis as Record<string, any>;
    expect(stored['diagnosis']).toEqual({ source: 'rules', text: expect.stringMatching(/^api is the likely root cause: /) });
    expect(stored['rootCauses'][0].service).toBe('api');
  });

  it('does not propose the same plan again when the alert group is re-sent', async () => {
    const result = await propose();
    expect(result.outcome).toMatchObject({ kind: 'skipped', reason: 'same_plan_live' });
    expect(created).toHaveLength(1);
  });

  it('falls back to the rules when the configured brain fails', async () => {
    const failing: BrainPort = {
      description: 'llm (test)',
      diagnose: async () => ({ ok: false, error: { code: 'timeout', message: 'no answer in 20s', retryable: true } }),
    };
    const result = await propose(failing);
    expect(result.brainError).toMatchObject({ code: 'timeout' });
    expect(result.diagnosis?.source).toBe('rules');
    expect(result.outcome).toMatchObject({ kind: 'skipped', reason: 'same_plan_live' });
  });

  it('cuts off a brain that does not answer by its deadline (its signal fires, even if it ignores it); the rules answer', async () => {
    const signals: AbortSignal[] = [];
    const hanging: BrainPort = {
      description: 'llm (test, never answers)',
      diagnose: (_input, options) => {
        signals.push(options.signal);
        return new Promise(() => {});
      },
    };
    const result = await propose(hanging, 100);
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(true);
    expect(result.brainError).toEqual({ code: 'timeout', message: 'llm (test, never answers): no answer within 100 ms', retryable: true });
    expect(result.diagnosis?.source).toBe('rules');
    // The card says why the rules answered.
    expect(result.diagnosis?.by).toBe('rules (llm (test, never answers): no answer within 100 ms)');
  });

  it('builds the card: analysis, diagnosis, cost, live proposal with signatures, runbooks', async () => {
    await database.handle.db
      .insertInto('signatures')
      .values({
        proposal_id: (await database.handle.db.selectFrom('proposals').select('id').executeTakeFirstOrThrow()).id,
        person_id: 'vic',
        decision: 'approve',
        platform: 'slack',
        account_id: 'U02',
        roles: ['viewer'],
        plan_hash: 'x',
        signed_at: new Date(),
      })
      .execute();
    const card = await buildIncidentCard(database.handle.db, incidentId, { people, cluster, prices: defaultPrices, topology: graph });
    expect(card).toMatchObject({
      incidentId,
      title: 'KubePodCrashLooping on api',
      severity: 'warning',
      status: 'open',
      services: ['api'],
      rootCauses: [{ service: 'api', kind: 'service', score: 1, alerting: true }],
      blastRadius: [
        { service: 'payments', depth: 1 },
        { service: 'checkout', depth: 2 },
        { service: 'storefront', depth: 3 },
      ],
      diagnosis: { source: 'rules' },
      runbooks: ['https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping'],
      proposal: {
        action: 'restart_deployment',
        description: 'rollout restart of deployment payments/api',
        baseRisk: 'MEDIUM',
        risk: 'MEDIUM',
        requiredSignatures: 1,
        signersText: 'admin, devops or sre',
        state: 'PENDING',
        missing: '1 more signature from admin, devops or sre',
        signatures: [{ personId: 'vic', personName: 'Vic Viewer', roles: ['viewer'], decision: 'approve' }],
        outcome: null,
      },
    });
    expect(card!.cost).toEqual({
      monthlyAtStake: expect.closeTo(99.134, 3),
      text: '$99.13/month at stake (api $29.20, payments $26.13, checkout $43.80); cost unknown for storefront (no resource requests known)',
      actionDelta: null,
    });
    expect(card!.proposal!.dryRun.ok).toBe(true);
    expect(renderCardText(card!)).toContain('proposal: rollout restart of deployment payments/api [PENDING]\n');
  });

  it('shows the live proposal first, and the latest ended one when none is live', async () => {
    await database.handle.db.updateTable('proposals').set({ state: 'EXPIRED' }).execute();
    const ended = await buildIncidentCard(database.handle.db, incidentId, { people, cluster, prices: defaultPrices });
    expect(ended!.proposal).toMatchObject({ state: 'EXPIRED', missing: '', outcome: expect.stringMatching(/^expired at /) });
    expect((await propose()).outcome.kind).toBe('proposed');
    const live = await buildIncidentCard(database.handle.db, incidentId, { people, cluster, prices: defaultPrices });
    expect(live!.proposal).toMatchObject({ state: 'PENDING', signatures: [] });
  });

  it('a different plan supersedes the live proposal with a reason; when the cluster refuses the new plan the old one still gives way', async () => {
    const scaling: BrainPort = {
      description: 'llm (test)',
      diagnose: async () => ({
        ok: true,
        diagnosis: {
          source: 'llm',
          summary: 'scale it',
          proposals: [
            {
              planned: { action: 'scale_deployment', target: { kind: 'Deployment', namespace: 'payments', name: 'api' }, params: { replicas: 3 } },
              reason: 'load',
            },
          ],
        },
      }),
    };
    const live = await database.handle.db
      .selectFrom('proposals')
      .select('id')
      .where('incident_id', '=', incidentId)
      .where('state', '=', 'PENDING')
      .executeTakeFirstOrThrow();
    const superseded: [string, string][] = [];
    const incident = (await findIncident(database.handle.db, incidentId))!;
    const alerts = incident.alerts.map((alert) => ({ ...alert, severity: 'warning' as const, startsAt: new Date(alert.startsAt) }));
    const result = await proposeRemediation(
      {
        ...deps(scaling),
        createProposal: async (input) => {
          expect(input.supersedeReason).toBe(
            'no longer follows from the analysis: top root cause is now api; it proposes scale deployment payments/api to 3 replicas instead',
          );
          return { ok: false, error: { code: 'dry_run_failed', message: 'bot may not patch deployments' } };
        },
        supersedeProposal: async (proposalId, reason) => {
          superseded.push([proposalId, reason]);
          return true;
        },
      },
      { incident, analysis: analyzeIncident(alerts, graph, 3) },
    );
    expect(result.outcome).toMatchObject({ kind: 'failed', error: { code: 'dry_run_failed' } });
    expect(superseded).toEqual([[live.id, expect.stringMatching(/instead; not proposed: bot may not patch deployments$/)]]);
    expect(result.ended).toEqual([live.id]);
  });

  it('neither diagnoses nor proposes for a resolved incident', async () => {
    await database.handle.db.updateTable('incidents').set({ status: 'resolved', resolved_at: new Date() }).where('id', '=', incidentId).execute();
    expect(await propose()).toEqual({
      diagnosis: null,
      brainError: null,
      outcome: { kind: 'skipped', reason: 'incident_resolved', message: 'the incident is resolved' },
      ended: [],
    });
  });

  it('has no card for an unknown or malformed id', async () => {
    const options = { people, cluster, prices: defaultPrices };
    expect(await buildIncidentCard(database.handle.db, '00000000-0000-4000-8000-000000000000', options)).toBeNull();
    expect(await buildIncidentCard(database.handle.db, 'not-a-uuid', options)).toBeNull();
  });
});

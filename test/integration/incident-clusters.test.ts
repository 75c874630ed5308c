import { afterEach, describe, expect, it } from 'vitest';
import { SandboxCluster } from '../../adapters/sandbox/sandbox-cluster.ts';
import { namedClusters } from '../../src/cli/choose-cluster.ts';
import { buildIncidentCard } from '../../src/cards/build-incident-card.ts';
import { renderCardText } from '../../src/cards/render-card-text.ts';
import { defaultPrices } from '../../src/finops/pricing.ts';
import { findIncident } from '../../src/incidents/incident-repository.ts';
import { createIngestHarness, type IngestHarness, type TestAlert } from '../support/ingest-harness.ts';
import { recordingLogger } from '../support/recording-logger.ts';

// The demo shop: checkout depends on cart (→ session-cache) and on orders-db; session-cache and orders-db are
// siblings below checkout. Production and staging run the same shop, so they share every service name.
const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute)).toISOString();
const clusters = { label: 'cluster', defaultName: 'prod', names: ['prod', 'staging'] };
const inCluster = (cluster: string, fingerprint: string, service: string, minute: number): TestAlert => ({
  fingerprint,
  service,
  startsAt: at(minute),
  name: 'HighLatency',
  labels: { cluster },
});

describe('several clusters through the ingest: incidents never cross clusters (ADR 0032) [real PostgreSQL]', () => {
  let h: IngestHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('the same services alerting in two clusters open one incident each; an alert above two incidents merges only its own cluster’s', async () => {
    h = await createIngestHarness({ deps: { windowMilliseconds: 5 * 60_000, clusters } });
    const prodCache = (await h.ingest('g-cache', [inCluster('prod', 'p-cache', 'session-cache', 0)])).incidents[0]!;
    const prodDb = (await h.ingest('g-db', [inCluster('prod', 'p-db', 'orders-db', 1)])).incidents[0]!;
    // Same group key and service, other cluster: its own incident, never the production one.
    const stagingCache = (await h.ingest('g-cache', [inCluster('staging', 's-cache', 'session-cache', 1)])).incidents[0]!;
    expect(new Set([prodCache, prodDb, stagingCache]).size).toBe(3);

    // Checkout in staging connects the two production incidents' services, but not their cluster: no merge.
    const stagingCheckout = await h.ingest('g-checkout', [inCluster('staging', 's-checkout', 'checkout', 2)]);
    expect(stagingCheckout.incidents).toEqual([stagingCache]);
    expect(await findIncident(h.deps.db, prodDb)).toMatchObject({ status: 'open', cluster: 'prod' });
    expect(await findIncident(h.deps.db, prodCache)).toMatchObject({ status: 'open', cluster: 'prod' });

    // Checkout in production does connect them: they merge, staging untouched.
    expect((await h.ingest('g-checkout', [inCluster('prod', 'p-checkout', 'checkout', 3)])).incidents).toEqual([prodCache]);
    expect(await findIncident(h.deps.db, prodDb)).toMatchObject({ status: 'merged', mergedInto: prodCache });
    const staging = await findIncident(h.deps.db, stagingCache);
    expect(staging).toMatchObject({ status: 'open', cluster: 'staging', unknownClusterLabel: null, services: ['checkout', 'session-cache'] });
    expect(staging!.alerts.map((alert) => alert.fingerprint).sort()).toEqual(['s-cache', 's-checkout']);
  });

  it('an alert naming a cluster that is not configured goes to the default one, with a log line and a note on the card', async () => {
    const log = recordingLogger();
    h = await createIngestHarness({ deps: { windowMilliseconds: 5 * 60_000, clusters, log } });
    const [incidentId] = (await h.ingest('g-qa', [inCluster('<b>qa</b>', 'q-1', 'checkout', 0)])).incidents;
    const [unlabelled] = (await h.ingest('g-none', [{ fingerprint: 'n-1', service: 'card-processor', startsAt: at(30) }])).incidents;
    expect(await findIncident(h.deps.db, incidentId!)).toMatchObject({ cluster: 'prod', unknownClusterLabel: '<b>qa</b>' });
    expect(await findIncident(h.deps.db, unlabelled!)).toMatchObject({ cluster: 'prod', unknownClusterLabel: null });
    expect(log.lines.filter((line) => line.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'alerts name a cluster that is not configured: the default cluster takes them',
        fields: expect.objectContaining({ fingerprints: ['q-1'], alerts: 1, cluster: 'prod', label: 'cluster', sent: ['<b>qa</b>'] }),
      },
    ]);

    const prod = SandboxCluster.withDemoData();
    const deps = { people: [], cluster: prod, clusters: namedClusters(new Map([['prod', prod]]), 'prod'), prices: defaultPrices };
    const card = await buildIncidentCard(h.deps.db, incidentId!, deps);
    expect(card!.cluster).toEqual({
      name: 'prod',
      note: 'its alert named cluster "<b>qa</b>", which is not configured: the default cluster prod took it',
    });
    expect(renderCardText(card!)).toContain('cluster: prod (its alert named cluster "<b>qa</b>", which is not configured');
    expect((await buildIncidentCard(h.deps.db, unlabelled!, deps))!.cluster).toEqual({ name: 'prod', note: null });
    // One cluster configured: nothing to tell apart, the card names none.
    expect((await buildIncidentCard(h.deps.db, unlabelled!, { ...deps, clusters: undefined }))!.cluster).toBeNull();

    // An alert naming an unknown cluster that joins an incident (not opens it) leaves the note there too.
    const joined = await h.ingest('g-none', [
      { fingerprint: 'n-1', service: 'card-processor', startsAt: at(30) },
      { fingerprint: 'n-2', service: 'card-processor', startsAt: at(31), labels: { cluster: 'eu-west' } },
    ]);
    expect(joined.incidents).toEqual([unlabelled]);
    expect(await findIncident(h.deps.db, unlabelled!)).toMatchObject({ cluster: 'prod', unknownClusterLabel: 'eu-west' });
  });
});

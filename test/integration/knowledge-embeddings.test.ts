import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { OllamaEmbedder } from '../../adapters/ollama/ollama-embedder.ts';
import { OpenAiEmbedder } from '../../adapters/openai/openai-embedder.ts';
import { embedPendingKnowledge } from '../../src/knowledge/embed-knowledge.ts';
import { findSimilarIncidents } from '../../src/knowledge/find-similar-incidents.ts';
import { KnowledgeEmbeddings } from '../../src/knowledge/knowledge-embeddings.ts';
import { recordResolvedIncident } from '../../src/knowledge/record-resolved-incident.ts';
import { startKnowledgeEmbedder } from '../../src/knowledge/start-knowledge-embedder.ts';
import { hasPgvector } from '../../src/knowledge/vector-support.ts';
import type { DatabaseSchema } from '../../src/storage/database-schema.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { openDatabase, type DatabaseHandle } from '../../src/storage/open-database.ts';
import { type FakeEmbeddingsServer, startFakeEmbeddingsServer } from '../support/fake-embeddings-server.ts';
import { recordingLogger } from '../support/recording-logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

interface Entry {
  alertNames: string[];
  services: string[];
  diagnosis?: string;
}

/** A resolved incident written into the knowledge base the way the resolve transaction writes it. */
async function remember(db: Kysely<DatabaseSchema>, entry: Entry): Promise<string> {
  const analysis = { rootCauses: [{ service: entry.services[0] }], ...(entry.diagnosis ? { diagnosis: { source: 'llm', text: entry.diagnosis } } : {}) };
  const { rows } = await sql<{ id: string }>`
    INSERT INTO incidents (title, severity, status, services, opened_at, last_alert_at, resolved_at, analysis)
    VALUES (${`${entry.alertNames[0]} on ${entry.services[0]}`}, 'critical', 'resolved', ${entry.services}::text[], now() - interval '1 hour',
      now() - interval '50 minutes', now() - interval '40 minutes', ${JSON.stringify(analysis)}::jsonb)
    RETURNING id`.execute(db);
  const id = rows[0]!.id;
  for (const name of entry.alertNames)
    await sql`INSERT INTO incident_alert_groups (incident_id, service, name, status, severity, alerts)
      VALUES (${id}::uuid, ${entry.services[0]}, ${name}, 'resolved', 'critical', 1)`.execute(db);
  expect(await recordResolvedIncident(db, id)).toBe(true);
  return id;
}

const pastCacheOutage = {
  alertNames: ['RedisDown'],
  services: ['session-store'],
  diagnosis: 'redis flushed; paged alice@example.com',
};
const pastSameAlert = { alertNames: ['ValkeyUnreachable'], services: ['token-cache'] };
const unrelated = { alertNames: ['DiskFull'], services: ['search-index'], diagnosis: 'disk full on search-index' };
// No word in common with pastCacheOutage; close in meaning (the fake's concepts: cache, outage, login).
const now = { id: randomUUID(), alertNames: ['ValkeyUnreachable'], services: ['token-cache'] };

const vectors = (db: Kysely<DatabaseSchema>) =>
  db.selectFrom('incident_knowledge').select(['incident_id', 'embedding', 'embedding_model']).orderBy('incident_id').execute();

/** The same behaviour on each database: the real PostgreSQL (no pgvector: cosine over real[]) and PGlite (pgvector). */
function knowledgeEmbeddingCases(kind: 'postgres' | 'pglite', open: () => Promise<{ db: Kysely<DatabaseSchema>; close(): Promise<void> }>) {
  describe(`knowledge embeddings on ${kind === 'postgres' ? 'PostgreSQL, cosine over real[]' : 'PGlite, pgvector'} (issue 10)`, () => {
    let database: { db: Kysely<DatabaseSchema>; close(): Promise<void> };
    let fake: FakeEmbeddingsServer;
    const log = recordingLogger();
    const embeddingsVia = (api: 'ollama' | 'openai') =>
      new KnowledgeEmbeddings({
        embedder:
          api === 'ollama'
            ? new OllamaEmbedder({ host: fake.url, model: 'fake-embed' })
            : new OpenAiEmbedder({ apiKey: 'sk-fake-embeddings-key', baseUrl: `${fake.url}/v1`, model: 'fake-embed', local: true }),
        hideNames: false,
        minSimilarity: 0.5,
        timeoutMilliseconds: 5_000,
        log,
      });

    beforeAll(async () => {
      [database, fake] = await Promise.all([open(), startFakeEmbeddingsServer()]);
    });
    afterAll(async () => {
      await fake?.close();
      await database?.close();
    });
    beforeEach(async () => {
      await sql`DELETE FROM incident_knowledge`.execute(database.db);
      fake.requests.length = 0;
      fake.answer(() => 'embed');
      log.lines.length = 0;
    });

    it(`compares by ${kind === 'postgres' ? 'cosine similarity in SQL' : "pgvector's cosine distance"}`, async () => {
      expect(await hasPgvector(database.db)).toBe(kind === 'pglite');
    });

    it('finds a past incident close in meaning that shares no word, which full-text search alone misses', async () => {
      const meaning = await remember(database.db, pastCacheOutage);
      const words = await remember(database.db, pastSameAlert);
      await remember(database.db, unrelated);
      const embeddings = embeddingsVia('ollama');
      expect(await embedPendingKnowledge(database.db, embeddings)).toEqual({ claimed: 3, written: 3, error: null });
      // Shielded before it left: the address is a pseudonym on the wire.
      expect(fake.texts().join('\n')).toContain('[EMAIL_1]');
      expect(fake.texts().join('\n')).not.toContain('alice@example.com');
      expect((await vectors(database.db)).every((row) => row.embedding?.length === 256 && row.embedding_model === 'fake-embed')).toBe(true);

      const byWords = await findSimilarIncidents(database.db, now);
      expect(byWords.similar.map((past) => past.incidentId)).toEqual([words]);
      const byBoth = await findSimilarIncidents(database.db, now, embeddings);
      expect(byBoth.seen).toBe(2);
      expect(byBoth.similar.map((past) => [past.incidentId, past.matchedBy])).toEqual([
        [words, ['words', 'meaning']],
        [meaning, ['meaning']],
      ]);
      // Through the OpenAI-compatible API the same.
      const viaOpenAi = await findSimilarIncidents(database.db, now, embeddingsVia('openai'));
      expect(viaOpenAi.similar.map((past) => past.incidentId)).toEqual([words, meaning]);
      expect(fake.requests.at(-1)).toMatchObject({ api: 'openai', authorization: 'Bearer sk-fake-embeddings-key' });
    });

    it('falls back to full-text search, with a log line, when the model fails for the incident at hand', async () => {
      await remember(database.db, pastCacheOutage);
      const words = await remember(database.db, pastSameAlert);
      await embedPendingKnowledge(database.db, embeddingsVia('ollama'));
      fake.answer(() => ({ status: 500, message: 'model crashed' }));
      const history = await findSimilarIncidents(database.db, now, embeddingsVia('ollama'));
      expect(history).toMatchObject({ seen: 1, similar: [{ incidentId: words }] });
      expect(history.similar[0]?.matchedBy).toBeUndefined();
      expect(log.lines).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          message: 'similar incidents by full-text search only: the embedding model failed',
          fields: expect.objectContaining({ retryable: true }),
        }),
      );
      // A model that keeps failing is skipped for a while (a breaker), not asked by every card build.
      const failing = embeddingsVia('ollama');
      const asked = () => fake.requests.length;
      for (const attempt of [1, 2, 3]) await findSimilarIncidents(database.db, { ...now, alertNames: [...now.alertNames, `Try${attempt}`] }, failing);
      const before = asked();
      expect(await findSimilarIncidents(database.db, { ...now, alertNames: [...now.alertNames, 'Try4'] }, failing)).toMatchObject({ seen: 1 });
      expect(asked()).toBe(before);
    });

    it('leaves an entry without a vector when the model fails (full-text still finds it), and embeds it once the claim ran out', async () => {
      const id = await remember(database.db, pastSameAlert);
      const embeddings = embeddingsVia('openai');
      fake.answer(() => ({ status: 429, message: 'slow down', headers: { 'retry-after': '3' } }));
      const failed = await embedPendingKnowledge(database.db, embeddings);
      expect(failed).toMatchObject({ claimed: 1, written: 0, error: { code: 'rate_limited', retryable: true } });
      expect(await vectors(database.db)).toEqual([{ incident_id: id, embedding: null, embedding_model: null }]);
      expect((await findSimilarIncidents(database.db, now)).similar.map((past) => past.incidentId)).toEqual([id]);
      // Claimed for a minute: the next pass leaves it (back-off), one after the claim ran out embeds it.
      fake.answer(() => 'embed');
      expect(await embedPendingKnowledge(database.db, embeddings)).toEqual({ claimed: 0, written: 0, error: null });
      await sql`UPDATE incident_knowledge SET embedding_claimed_until = now() - interval '1 second'`.execute(database.db);
      expect(await embedPendingKnowledge(database.db, embeddings)).toEqual({ claimed: 1, written: 1, error: null });
    });

    it('sweeps at start and when poked, and says in the log what it embedded or why it could not', async () => {
      const id = await remember(database.db, pastSameAlert);
      fake.answer(() => ({ status: 503, message: 'loading model' }));
      const embedder = startKnowledgeEmbedder({ db: database.db, embeddings: embeddingsVia('ollama') }, 60_000);
      try {
        await vi.waitFor(() =>
          expect(log.lines).toContainEqual(
            expect.objectContaining({ level: 'warn', message: 'knowledge entries not embedded (full-text search still finds them); asked again in a minute' }),
          ),
        );
        fake.answer(() => 'embed');
        await sql`UPDATE incident_knowledge SET embedding_claimed_until = NULL`.execute(database.db);
        embedder.poke();
        await vi.waitFor(() =>
          expect(log.lines).toContainEqual(
            expect.objectContaining({ level: 'info', message: 'knowledge entries embedded', fields: expect.objectContaining({ entries: 1 }) }),
          ),
        );
        expect((await vectors(database.db)).map((row) => [row.incident_id, row.embedding_model])).toEqual([[id, 'fake-embed']]);
      } finally {
        await embedder.stop();
      }
    });

    it('embeds each entry once under two writers, keeps the vector on an identical rewrite and drops it when the entry changed', async () => {
      const ids: string[] = [];
      for (const index of [1, 2, 3, 4, 5]) ids.push(await remember(database.db, { alertNames: [`Alert${index}`], services: [`service-${index}`] }));
      // Two replicas, each with its own client, at once.
      const passes = await Promise.all([
        embedPendingKnowledge(database.db, embeddingsVia('ollama')),
        embedPendingKnowledge(database.db, embeddingsVia('ollama')),
      ]);
      expect(passes.reduce((sum, pass) => sum + pass.written, 0)).toBe(5);
      expect(fake.texts()).toHaveLength(5);
      expect((await vectors(database.db)).every((row) => row.embedding !== null)).toBe(true);
      // Nothing left to do, for either.
      expect(await embedPendingKnowledge(database.db, embeddingsVia('ollama'))).toEqual({ claimed: 0, written: 0, error: null });

      // The resolve's retry writes the same entry: the vector stays. A later diagnosis changes it: embedded again.
      expect(await recordResolvedIncident(database.db, ids[0]!)).toBe(true);
      expect((await vectors(database.db)).every((row) => row.embedding !== null)).toBe(true);
      await sql`UPDATE incidents SET analysis = analysis || '{"diagnosis": {"source": "llm", "text": "cache outage"}}' WHERE id = ${ids[0]!}::uuid`.execute(
        database.db,
      );
      await recordResolvedIncident(database.db, ids[0]!);
      expect((await vectors(database.db)).filter((row) => row.embedding === null).map((row) => row.incident_id)).toEqual([ids[0]]);
      expect(await embedPendingKnowledge(database.db, embeddingsVia('ollama'))).toEqual({ claimed: 1, written: 1, error: null });
      expect(fake.texts().at(-1)).toContain('diagnosis: cache outage');

      // A pass whose entry changes while the model answers (a later diagnosis) does not write the stale vector.
      const diagnose = (text: string) =>
        sql`UPDATE incidents SET analysis = analysis || ${JSON.stringify({ diagnosis: { source: 'llm', text } })}::jsonb WHERE id = ${ids[1]!}::uuid`.execute(
          database.db,
        );
      await diagnose('first thought');
      await recordResolvedIncident(database.db, ids[1]!);
      fake.answer(async () => {
        await diagnose('second thought');
        await recordResolvedIncident(database.db, ids[1]!);
        return 'embed' as const;
      });
      expect(await embedPendingKnowledge(database.db, embeddingsVia('ollama'))).toEqual({ claimed: 1, written: 0, error: null });
      expect((await vectors(database.db)).find((row) => row.incident_id === ids[1])?.embedding).toBeNull();
    });
  });
}

knowledgeEmbeddingCases('postgres', async () => {
  const test: TestDatabase = await createTestDatabase();
  // The fallback path whatever this server has: the column is real[], so the extension can go.
  await sql`DROP EXTENSION IF EXISTS vector`.execute(test.handle.db);
  return { db: test.handle.db, close: () => test.drop() };
});

knowledgeEmbeddingCases('pglite', async () => {
  const handle: DatabaseHandle = await openDatabase({ dataDir: 'memory://' });
  const migrated = await migrateToLatest(handle.db);
  if (!migrated.ok) throw new Error(migrated.error);
  return { db: handle.db, close: () => handle.close() };
});

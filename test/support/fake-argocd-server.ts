import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const fakeArgoToken = 'fake-argocd-token';

export interface ArgoHistoryEntry {
  id: number;
  revision: string;
  deployedAt?: string;
}

/** One request as the fake Argo CD saw it. */
export interface ArgoRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
}

/**
 * A small HTTP server that answers like Argo CD's API for one Application: GET it (sync policy, sync revision,
 * history) and POST a rollback `{id, dryRun, prune}`, which Argo CD refuses while auto-sync is on. A rollback that is
 * not a dry-run syncs the application to the entry's revision and calls `onRollback` (the cluster follows). Simulated.
 */
export class FakeArgoCd {
  readonly requests: ArgoRequest[] = [];
  url = '';
  application: { metadata: { name: string; namespace: string; uid: string }; spec: any; status: any };
  onRollback: (entry: ArgoHistoryEntry) => void = () => undefined;
  #server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      const recorded = {
        method: request.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: text === '' ? undefined : JSON.parse(text),
      };
      this.requests.push(recorded);
      const [code, body] = this.#answer(recorded, request.headers.authorization);
      response.writeHead(code, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
  });

  constructor(name: string, history: ArgoHistoryEntry[], options: { automated?: boolean } = {}) {
    this.application = {
      metadata: { name, namespace: 'argocd', uid: 'app-uid-1' },
      spec: { project: 'default', syncPolicy: options.automated ? { automated: { prune: true, selfHeal: true } } : {} },
      status: { sync: { status: 'Synced', revision: history.at(-1)?.revision }, history, operationState: { phase: 'Succeeded' } },
    };
  }

  static async start(name: string, history: ArgoHistoryEntry[], options: { automated?: boolean } = {}): Promise<FakeArgoCd> {
    const server = new FakeArgoCd(name, history, options);
    await new Promise<void>((resolve) => server.#server.listen(0, '127.0.0.1', resolve));
    server.url = `http://127.0.0.1:${(server.#server.address() as AddressInfo).port}`;
    return server;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #answer(request: ArgoRequest, authorization: string | undefined): [number, unknown] {
    if (authorization !== `Bearer ${fakeArgoToken}`) return [401, { error: 'invalid session', code: 16, message: 'invalid session: token is invalid' }];
    const name = this.application.metadata.name;
    if (request.path === `/api/v1/applications/${name}` && request.method === 'GET') return [200, this.application];
    if (request.path === `/api/v1/applications/${name}/rollback` && request.method === 'POST') {
      if (this.application.spec.syncPolicy?.automated) {
        return [
          400,
          { error: 'rollback cannot be initiated when auto-sync is enabled', code: 9, message: 'rollback cannot be initiated when auto-sync is enabled' },
        ];
      }
      const entry = (this.application.status.history as ArgoHistoryEntry[]).find((candidate) => candidate.id === request.body?.id);
      if (entry === undefined) return [400, { code: 3, message: `application ${name} does not have deployment with id ${request.body?.id}` }];
      if (request.body?.dryRun !== true) {
        const history = this.application.status.history as ArgoHistoryEntry[];
        history.push({ id: Math.max(...history.map((item) => item.id)) + 1, revision: entry.revision });
        this.application.status.sync.revision = entry.revision;
        this.onRollback(entry);
      }
      return [200, this.application];
    }
    return [404, { code: 5, message: `applications.argoproj.io "${request.path.split('/')[4] ?? ''}" not found` }];
  }
}

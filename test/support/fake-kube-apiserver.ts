import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { applyJsonPatch, PatchFailure, type PatchOperation } from './fake-kube-json-patch.ts';

/** A Kubernetes object as JSON. */
export type KubeObject = {
  apiVersion?: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; generation?: number; [key: string]: unknown };
  spec?: any;
  status?: any;
  [key: string]: unknown;
};

/** What RBAC decides on: a SelfSubjectAccessReview's resourceAttributes, or a request's. */
export interface AccessAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** One request as the fake API server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  body: any;
}

interface Resource {
  group: string;
  plural: string;
  namespaced: boolean;
  generation: boolean;
}

const resources: Record<string, Resource> = {
  Deployment: { group: 'apps', plural: 'deployments', namespaced: true, generation: true },
  ReplicaSet: { group: 'apps', plural: 'replicasets', namespaced: true, generation: true },
  StatefulSet: { group: 'apps', plural: 'statefulsets', namespaced: true, generation: true },
  Service: { group: '', plural: 'services', namespaced: true, generation: false },
  Pod: { group: '', plural: 'pods', namespaced: true, generation: false },
  PersistentVolumeClaim: { group: '', plural: 'persistentvolumeclaims', namespaced: true, generation: false },
  PersistentVolume: { group: '', plural: 'persistentvolumes', namespaced: false, generation: false },
  Node: { group: '', plural: 'nodes', namespaced: false, generation: false },
  Namespace: { group: '', plural: 'namespaces', namespaced: false, generation: false },
  PodDisruptionBudget: { group: 'policy', plural: 'poddisruptionbudgets', namespaced: true, generation: true },
};
const kindOfPlural = new Map(Object.entries(resources).map(([kind, resource]) => [`${resource.group}/${resource.plural}`, kind]));

export const fakeToken = 'fake-kube-token';
/** The Eviction API's 429 Status as the API server sends it (test/fixtures/k8s-eviction-429.json, for budget api-pdb). */
const eviction429 = JSON.parse(readFileSync(new URL('../fixtures/k8s-eviction-429.json', import.meta.url), 'utf8'));
const user = 'system:serviceaccount:awoooi:awoooi';

function status(code: number, reason: string, message: string, extra: Record<string, unknown> = {}) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: code < 300 ? 'Success' : 'Failure', message, reason, code, ...extra };
}

const verbs = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const apiResource = (name: string, kind: string, namespaced: boolean, extra: Record<string, unknown> = {}) => ({
  name,
  singularName: '',
  namespaced,
  kind,
  verbs,
  ...extra,
});

/** Discovery (the legacy, unaggregated form) for the groups the fake serves: clients with a REST mapper read it first. */
function discoveryDocument(path: string): unknown {
  const group = (name: string) => ({
    name,
    versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
    preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
  });
  switch (path) {
    case '/api':
      return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
    case '/apis':
      return { kind: 'APIGroupList', apiVersion: 'v1', groups: [group('apps'), group('policy'), group('authorization.k8s.io')] };
    case '/api/v1':
      return {
        kind: 'APIResourceList',
        groupVersion: 'v1',
        resources: [
          apiResource('pods', 'Pod', true),
          apiResource('pods/eviction', 'Eviction', true, { group: 'policy', version: 'v1', verbs: ['create'] }),
          apiResource('nodes', 'Node', false),
          apiResource('namespaces', 'Namespace', false),
          apiResource('persistentvolumeclaims', 'PersistentVolumeClaim', true),
          apiResource('persistentvolumes', 'PersistentVolume', false),
          apiResource('services', 'Service', true),
        ],
      };
    case '/apis/apps/v1':
      return {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'apps/v1',
        resources: [
          apiResource('deployments', 'Deployment', true),
          apiResource('deployments/scale', 'Scale', true, { group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] }),
          apiResource('replicasets', 'ReplicaSet', true),
          apiResource('statefulsets', 'StatefulSet', true),
        ],
      };
    case '/apis/policy/v1':
      return {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'policy/v1',
        resources: [apiResource('poddisruptionbudgets', 'PodDisruptionBudget', true)],
      };
    case '/apis/authorization.k8s.io/v1':
      return {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'authorization.k8s.io/v1',
        resources: [apiResource('selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, { verbs: ['create'] })],
      };
    default:
      return undefined;
  }
}

function labelsMatch(selector: string | undefined, labels: Record<string, string> | undefined): boolean {
  if (selector === undefined || selector === '') return true;
  return selector.split(',').every((term) => {
    const [key, value] = term.split('=');
    return labels?.[key!] === value;
  });
}

function selectorMatches(selector: any, labels: Record<string, string> | undefined): boolean {
  if (selector === undefined || selector === null) return false;
  return Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels?.[key] === value);
}

/**
 * A small HTTP server that answers like the Kubernetes API server for the endpoints the adapter uses: objects with
 * uid, resourceVersion and generation (bumped by spec changes only), JSON patches with `test` operations (422 when
 * one fails), `dryRun=All` (answers, persists nothing), delete preconditions (409), the Eviction API with PDBs
 * (429, 500 for several), SelfSubjectAccessReview, label and field selectors, 403 for denied verbs. Simulated.
 */
export class FakeKubeApiserver {
  readonly requests: RecordedRequest[] = [];
  readonly #objects = new Map<string, KubeObject>();
  readonly #denied = new Set<string>();
  #authorizer: (attributes: AccessAttributes) => boolean = () => true;
  readonly #before: { method: string; path: RegExp; run: () => void }[] = [];
  #version = 100;
  #server = createServer((request, response) => void this.#handle(request, response));
  #directory = mkdtempSync(join(tmpdir(), 'fake-kube-'));
  url = '';
  kubeconfigPath = join(this.#directory, 'kubeconfig');

  /** Requests without the token are refused (401) unless `anonymous`: some clients (kubernetes-mcp-server) drop it over plain HTTP. */
  anonymous = false;

  static async start(objects: readonly KubeObject[] = [], options: { anonymous?: boolean } = {}): Promise<FakeKubeApiserver> {
    const server = new FakeKubeApiserver();
    server.anonymous = options.anonymous ?? false;
    for (const object of objects) server.put(object);
    await new Promise<void>((resolve) => server.#server.listen(0, '127.0.0.1', resolve));
    server.url = `http://127.0.0.1:${(server.#server.address() as AddressInfo).port}`;
    writeFileSync(server.kubeconfigPath, server.kubeconfig('fake'));
    return server;
  }

  /** A kubeconfig whose context `context` points here with the fake's token. */
  kubeconfig(context: string): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${context}`,
      'clusters:',
      `- name: ${context}`,
      // Plain HTTP on loopback: the client allows it only with TLS verification off.
      `  cluster: { server: "${this.url}", insecure-skip-tls-verify: true }`,
      'users:',
      `- name: ${context}`,
      `  user: { token: ${fakeToken} }`,
      'contexts:',
      `- name: ${context}`,
      `  context: { cluster: ${context}, user: ${context} }`,
      '',
    ].join('\n');
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    rmSync(this.#directory, { recursive: true, force: true });
  }

  /** Stores an object as created: a uid, a resourceVersion and, for kinds with a spec generation, generation 1. */
  put(object: KubeObject): KubeObject {
    const resource = resources[object.kind];
    if (resource === undefined) throw new Error(`the fake does not serve ${object.kind}`);
    const stored = structuredClone(object);
    stored.metadata.uid ??= randomUUID();
    stored.metadata.resourceVersion = String(++this.#version);
    if (resource.generation) stored.metadata.generation ??= 1;
    this.#objects.set(this.#key(resource, stored.metadata.namespace, stored.metadata.name), stored);
    return structuredClone(stored);
  }

  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const object = this.#objects.get(this.#key(resources[kind]!, namespace, name));
    return object === undefined ? undefined : structuredClone(object);
  }

  /** What a controller's status update does: a new resourceVersion, the same generation. */
  updateStatus(kind: string, namespace: string | undefined, name: string, change: Record<string, unknown>): void {
    const object = this.#objects.get(this.#key(resources[kind]!, namespace, name))!;
    object.status = { ...object.status, ...change };
    object.metadata.resourceVersion = String(++this.#version);
  }

  /** What someone's `kubectl edit` of the spec does: a new resourceVersion and generation. */
  updateSpec(kind: string, namespace: string | undefined, name: string, change: (spec: any) => void): void {
    const object = this.#objects.get(this.#key(resources[kind]!, namespace, name))!;
    change(object.spec);
    object.metadata.resourceVersion = String(++this.#version);
    if (object.metadata.generation !== undefined) object.metadata.generation += 1;
  }

  /** The bot's service account loses a permission: reviews answer allowed false and the API answers 403. */
  deny(verb: string, group: string, resource: string): void {
    this.#denied.add(`${verb} ${group}/${resource}`);
  }

  /** RBAC as rules: reviews and requests are allowed when `authorize` says so (and no `deny` refuses them). */
  authorizeWith(authorize: (attributes: AccessAttributes) => boolean): void {
    this.#authorizer = authorize;
  }

  #allowed(attributes: AccessAttributes): boolean {
    const resource = `${attributes.resource}${attributes.subresource ? `/${attributes.subresource}` : ''}`;
    return !this.#denied.has(`${attributes.verb} ${attributes.group}/${resource}`) && this.#authorizer(attributes);
  }

  /** Runs `run` once, right before the next request matching `method` and `path` is handled (a race in between). */
  beforeNext(method: string, path: RegExp, run: () => void): void {
    this.#before.push({ method, path, run });
  }

  /** Requests other than reviews and reads: the writes, with their query and body. */
  writes(): RecordedRequest[] {
    return this.requests.filter((request) => request.method !== 'GET' && !request.path.includes('selfsubjectaccessreviews'));
  }

  #key(resource: Resource, namespace: string | undefined, name: string): string {
    return `${resource.group}/${resource.plural}/${resource.namespaced ? (namespace ?? '') : ''}/${name}`;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://fake');
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: request.headers['content-type'],
      body: text === '' ? undefined : JSON.parse(text),
    };
    this.requests.push(recorded);
    const send = (code: number, body: unknown) => {
      response.writeHead(code, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${fakeToken}` && !this.anonymous) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    const hook = this.#before.findIndex((entry) => entry.method === recorded.method && entry.path.test(recorded.path));
    if (hook >= 0) this.#before.splice(hook, 1)[0]!.run();
    const [code, body] = this.#answer(recorded);
    send(code, body);
  }

  #answer(request: RecordedRequest): [number, unknown] {
    if (request.path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews' && request.method === 'POST') {
      const attributes = request.body?.spec?.resourceAttributes ?? {};
      const allowed = this.#allowed({ ...attributes, group: attributes.group ?? '' });
      return [201, { ...request.body, metadata: { creationTimestamp: null }, status: { allowed, ...(allowed ? {} : { reason: 'no RBAC policy matched' }) } }];
    }
    const discovery = discoveryDocument(request.path);
    if (discovery !== undefined && request.method === 'GET') return [200, discovery];
    const route = this.#route(request.path);
    if (route === undefined) return [404, status(404, 'NotFound', `the server could not find the requested resource (${request.path})`)];
    const { resource, kind, namespace, name, subresource } = route;
    const verb =
      subresource === 'eviction' ? 'create' : { GET: name === undefined ? 'list' : 'get', PATCH: 'patch', DELETE: 'delete', POST: 'create' }[request.method];
    // The API server authorizes a namespace object by its own name as the namespace.
    const scopeOf = kind === 'Namespace' ? name : namespace;
    const attributes: AccessAttributes = {
      verb: verb ?? 'get',
      group: resource.group,
      resource: resource.plural,
      ...(subresource !== undefined && { subresource }),
      ...(scopeOf !== undefined && { namespace: scopeOf }),
      ...(name !== undefined && { name }),
    };
    if (!this.#allowed(attributes)) {
      const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
      const message = `${resource.plural}${resource.group ? `.${resource.group}` : ''} "${name ?? ''}" is forbidden: User "${user}" cannot ${verb} resource "${resource.plural}" in API group "${resource.group}" ${scope}`;
      return [403, status(403, 'Forbidden', message)];
    }
    if (name === undefined) return this.#list(request, resource, kind, namespace);
    const key = this.#key(resource, namespace, name);
    const current = this.#objects.get(key);
    const notFound = status(404, 'NotFound', `${resource.plural}${resource.group ? `.${resource.group}` : ''} "${name}" not found`, {
      details: { name, group: resource.group, kind: resource.plural },
    });
    if (current === undefined) return [404, notFound];
    const dryRun = request.query['dryRun'] === 'All';
    if (subresource === 'eviction') return this.#evict(request, key, current, dryRun);
    if (subresource === 'scale') return this.#scale(request, key, current, dryRun);
    switch (request.method) {
      case 'GET':
        return [200, current];
      case 'PATCH':
        return this.#patch(request, key, resource, current, dryRun);
      case 'DELETE':
        return this.#delete(request, key, current, dryRun);
      default:
        return [405, status(405, 'MethodNotAllowed', `${request.method} is not supported`)];
    }
  }

  #route(path: string) {
    const core = /^\/api\/v1\/(.*)$/.exec(path);
    const grouped = /^\/apis\/([^/]+)\/v1\/(.*)$/.exec(path);
    const group = core !== null ? '' : (grouped?.[1] ?? null);
    const rest = core?.[1] ?? grouped?.[2];
    if (group === null || rest === undefined) return undefined;
    const parts = rest.split('/');
    let namespace: string | undefined;
    let plural: string;
    let name: string | undefined;
    let subresource: string | undefined;
    if (parts[0] === 'namespaces' && parts.length >= 3) [, namespace, plural = '', name, subresource] = parts;
    else [plural = '', name, subresource] = parts;
    const kind = kindOfPlural.get(`${group}/${plural}`);
    if (kind === undefined) return undefined;
    return { resource: resources[kind]!, kind, namespace, name, subresource };
  }

  #list(request: RecordedRequest, resource: Resource, kind: string, namespace: string | undefined): [number, unknown] {
    const field = request.query['fieldSelector'];
    const items = [...this.#objects.values()].filter(
      (object) =>
        object.kind === kind &&
        (namespace === undefined || object.metadata.namespace === namespace) &&
        labelsMatch(request.query['labelSelector'], object.metadata['labels'] as Record<string, string>) &&
        (field === undefined || (field.startsWith('spec.nodeName=') && object.spec?.nodeName === field.slice('spec.nodeName='.length))),
    );
    const apiVersion = resource.group === '' ? 'v1' : `${resource.group}/v1`;
    return [200, { kind: `${kind}List`, apiVersion, metadata: { resourceVersion: String(this.#version) }, items }];
  }

  #patch(request: RecordedRequest, key: string, resource: Resource, current: KubeObject, dryRun: boolean): [number, unknown] {
    if (request.contentType !== 'application/json-patch+json') {
      return [415, status(415, 'UnsupportedMediaType', `the fake accepts only application/json-patch+json, not ${request.contentType}`)];
    }
    let patched: KubeObject;
    try {
      patched = applyJsonPatch(current, request.body as PatchOperation[]);
    } catch (error) {
      if (!(error instanceof PatchFailure)) throw error;
      return [422, status(422, 'Invalid', `the server rejected our request due to an error in our request (${error.message})`)];
    }
    if (patched.metadata.uid !== current.metadata.uid) return [422, status(422, 'Invalid', 'metadata.uid: field is immutable')];
    if (resource.generation && !isDeepStrictEqual(patched.spec, current.spec)) patched.metadata.generation = (current.metadata.generation ?? 0) + 1;
    if (dryRun) return [200, patched];
    patched.metadata.resourceVersion = String(++this.#version);
    this.#objects.set(key, patched);
    return [200, patched];
  }

  /** The scale subresource (autoscaling/v1 Scale) of a deployment: GET, PUT and merge PATCH of spec.replicas. */
  #scale(request: RecordedRequest, key: string, current: KubeObject, dryRun: boolean): [number, unknown] {
    const scaleOf = (object: KubeObject) => ({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: object.metadata.name,
        namespace: object.metadata.namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
      },
      spec: { replicas: object.spec?.replicas ?? 1 },
      status: { replicas: object.status?.replicas ?? 0 },
    });
    if (request.method === 'GET') return [200, scaleOf(current)];
    const replicas = request.body?.spec?.replicas;
    if (typeof replicas !== 'number') return [422, status(422, 'Invalid', 'spec.replicas: Required value')];
    const resourceVersion = request.body?.metadata?.resourceVersion;
    if (request.method === 'PUT' && resourceVersion !== undefined && resourceVersion !== current.metadata.resourceVersion) {
      return [
        409,
        status(
          409,
          'Conflict',
          'Operation cannot be fulfilled on deployments.apps: the object has been modified; please apply your changes to the latest version and try again',
        ),
      ];
    }
    const updated = structuredClone(current);
    if (updated.spec.replicas !== replicas) updated.metadata.generation = (updated.metadata.generation ?? 0) + 1;
    updated.spec.replicas = replicas;
    if (dryRun) return [200, scaleOf(updated)];
    updated.metadata.resourceVersion = String(++this.#version);
    this.#objects.set(key, updated);
    return [200, scaleOf(updated)];
  }

  #preconditionFailure(body: any, current: KubeObject): [number, unknown] | undefined {
    const uid = body?.preconditions?.uid ?? body?.deleteOptions?.preconditions?.uid;
    if (uid === undefined || uid === current.metadata.uid) return undefined;
    const message = `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid}`;
    return [409, status(409, 'Conflict', message, { details: { name: current.metadata.name } })];
  }

  #delete(request: RecordedRequest, key: string, current: KubeObject, dryRun: boolean): [number, unknown] {
    const failed = this.#preconditionFailure(request.body, current);
    if (failed !== undefined) return failed;
    if (dryRun || request.body?.dryRun?.includes('All')) return [200, current];
    if (current.kind === 'Namespace') {
      // Namespaces stay Terminating while their contents go.
      const terminating = {
        ...current,
        metadata: { ...current.metadata, deletionTimestamp: new Date().toISOString(), resourceVersion: String(++this.#version) },
      };
      terminating.status = { phase: 'Terminating' };
      this.#objects.set(key, terminating);
      return [200, terminating];
    }
    this.#objects.delete(key);
    return [200, current];
  }

  #evict(request: RecordedRequest, key: string, pod: KubeObject, dryRun: boolean): [number, unknown] {
    const failed = this.#preconditionFailure(request.body, pod);
    if (failed !== undefined) return failed;
    const budgets = [...this.#objects.values()].filter(
      (object) =>
        object.kind === 'PodDisruptionBudget' &&
        object.metadata.namespace === pod.metadata.namespace &&
        selectorMatches(object.spec?.selector, pod.metadata['labels'] as Record<string, string>),
    );
    if (budgets.length > 1) {
      return [500, status(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.')];
    }
    const budget = budgets[0];
    if (budget !== undefined && (budget.status?.disruptionsAllowed ?? 0) <= 0) {
      const body = structuredClone(eviction429);
      body.details.causes[0].message = `The disruption budget ${budget.metadata.name} needs ${budget.status?.desiredHealthy ?? 0} healthy pods and has ${budget.status?.currentHealthy ?? 0} currently`;
      return [429, body];
    }
    if (dryRun || request.body?.deleteOptions?.dryRun?.includes('All')) return [201, status(201, 'Created', '')];
    if (budget !== undefined) budget.status = { ...budget.status, disruptionsAllowed: budget.status.disruptionsAllowed - 1 };
    this.#objects.delete(key);
    return [201, status(201, 'Created', '')];
  }
}

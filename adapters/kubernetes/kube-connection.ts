import { existsSync } from 'node:fs';
import {
  AppsV1Api,
  AuthorizationV1Api,
  type ConfigurationOptions,
  CoreV1Api,
  KubeConfig,
  Observable,
  type ObservableMiddleware,
  PatchStrategy,
  PolicyV1Api,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';

/** How to reach the API server: a kubeconfig file and context, or the pod's service account. */
export interface KubeConnectionOptions {
  /** Kubeconfig file; without it, in-cluster when a service account is mounted, else ~/.kube/config. */
  kubeconfig?: string | undefined;
  /** Kubeconfig context; the file's current context by default. */
  context?: string | undefined;
  /** The pod's service account, whatever the kubeconfig says (one of several clusters: `inCluster: true`). */
  inCluster?: boolean;
}

/** The typed API groups the adapter uses, and where they point. */
export interface KubeApis {
  core: CoreV1Api;
  apps: AppsV1Api;
  policy: PolicyV1Api;
  authorization: AuthorizationV1Api;
  /** "context kind-prod, https://…" or "in-cluster, https://…": for the start-up log. */
  where: string;
}

const serviceAccountToken = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Loads the kubeconfig (or the in-cluster service account) and builds the API clients. Throws on a bad file or context. */
export function connectKube(options: KubeConnectionOptions): KubeApis {
  const config = new KubeConfig();
  let source: string;
  if (options.inCluster === true) {
    config.loadFromCluster();
    source = 'in-cluster service account';
  } else if (options.kubeconfig !== undefined) {
    config.loadFromFile(options.kubeconfig);
    source = `kubeconfig ${options.kubeconfig}`;
  } else if (existsSync(serviceAccountToken)) {
    config.loadFromCluster();
    source = 'in-cluster service account';
  } else {
    config.loadFromDefault();
    source = 'default kubeconfig';
  }
  if (options.context !== undefined) {
    if (!config.getContexts().some((context) => context.name === options.context)) {
      throw new Error(`kubeconfig context ${options.context} not found (${source})`);
    }
    config.setCurrentContext(options.context);
  }
  const server = config.getCurrentCluster()?.server;
  if (server === undefined) throw new Error(`no cluster in the current context (${source})`);
  return {
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    policy: config.makeApiClient(PolicyV1Api),
    authorization: config.makeApiClient(AuthorizationV1Api),
    where: `${source}, context ${config.getCurrentContext()}, ${server}`,
  };
}

/** Per-call options: the call's signal reaches the HTTP request, so a deadline or a lost lease cuts it off. */
export function callWith(signal: AbortSignal, contentType?: string): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (request: RequestContext) => {
      request.setSignal(signal);
      if (contentType !== undefined) request.setHeaderParam('Content-Type', contentType);
      return new Observable(Promise.resolve(request));
    },
    post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

/** Per-call options of a JSON patch (RFC 6902), whose `test` operations make the write conditional. */
export function jsonPatchWith(signal: AbortSignal): ConfigurationOptions {
  return callWith(signal, PatchStrategy.JsonPatch);
}

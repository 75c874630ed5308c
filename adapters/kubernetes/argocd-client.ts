import { z } from 'zod';

/** Deliberately partial: the fields of an Argo CD Application the rollback needs. */
const applicationShape = z.object({
  metadata: z.object({ name: z.string(), namespace: z.string().optional(), uid: z.string().optional() }),
  spec: z.object({ syncPolicy: z.object({ automated: z.object({}).passthrough().nullish() }).nullish() }).passthrough(),
  status: z
    .object({
      sync: z.object({ revision: z.string().optional() }).passthrough().optional(),
      history: z.array(z.object({ id: z.number(), revision: z.string().optional() }).passthrough()).nullish(),
      operationState: z.object({ phase: z.string().optional() }).passthrough().nullish(),
    })
    .passthrough()
    .optional(),
});
export type ArgoApplication = z.infer<typeof applicationShape>;

export type ArgoResult<T> = { ok: true; value: T } | { ok: false; status: number | null; message: string };

/** Where Argo CD's API is and the token of the bot's account there (never logged). */
export interface ArgoCdOptions {
  url: string;
  token: string;
}

/**
 * The two Argo CD API calls the rollback of an Argo-managed deployment makes: read the Application (auto-sync,
 * history) and roll it back to a history id. Every call takes the execution's signal.
 */
export class ArgoCdClient {
  readonly #base: string;
  readonly #token: string;

  constructor(options: ArgoCdOptions) {
    this.#base = options.url.replace(/\/+$/, '');
    this.#token = options.token;
  }

  /** "shop_checkout" is application checkout in namespace shop (Argo CD's apps-in-any-namespace naming). */
  static split(name: string): { name: string; appNamespace?: string } {
    const [namespace, app] = name.includes('_') ? name.split('_', 2) : [undefined, name];
    return namespace === undefined || app === undefined ? { name } : { name: app, appNamespace: namespace };
  }

  async application(name: string, signal: AbortSignal): Promise<ArgoResult<ArgoApplication>> {
    const app = ArgoCdClient.split(name);
    const query = app.appNamespace === undefined ? '' : `?appNamespace=${encodeURIComponent(app.appNamespace)}`;
    const answer = await this.#call('GET', `/api/v1/applications/${encodeURIComponent(app.name)}${query}`, undefined, signal);
    if (!answer.ok) return answer;
    const parsed = applicationShape.safeParse(answer.value);
    return parsed.success
      ? { ok: true, value: parsed.data }
      : { ok: false, status: null, message: `unexpected Application from Argo CD: ${parsed.error.issues[0]?.message ?? ''}` };
  }

  async rollback(name: string, id: number, dryRun: boolean, signal: AbortSignal): Promise<ArgoResult<unknown>> {
    const app = ArgoCdClient.split(name);
    const body = { id, dryRun, prune: false, ...(app.appNamespace !== undefined && { appNamespace: app.appNamespace }) };
    return this.#call('POST', `/api/v1/applications/${encodeURIComponent(app.name)}/rollback`, body, signal);
  }

  async #call(method: string, path: string, body: unknown, signal: AbortSignal): Promise<ArgoResult<unknown>> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.#token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      return {
        ok: false,
        status: null,
        message: `Argo CD unreachable (${error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)})`,
      };
    }
    const text = await response.text();
    let value: unknown = text;
    try {
      value = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON: the text itself is the message.
    }
    if (response.ok) return { ok: true, value };
    const message = typeof value === 'object' && value !== null && 'message' in value ? String((value as { message: unknown }).message) : text.slice(0, 200);
    return { ok: false, status: response.status, message: `Argo CD answered ${response.status}: ${message}` };
  }
}

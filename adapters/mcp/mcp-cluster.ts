import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { describeAction } from '../../src/actions/action-catalog.ts';
import type { CallOptions } from '../../src/ports/call-options.ts';
import type {
  ActionName,
  ActionTarget,
  ClusterError,
  ClusterInventory,
  ClusterPort,
  DryRunResult,
  ExecuteOptions,
  ExecuteResult,
  PlannedAction,
  ReconcileResult,
  WorkloadResources,
} from '../../src/ports/cluster-port.ts';
import { McpConnections, type McpServerConfig } from './mcp-connections.ts';
import { type ToolCluster, toolArguments } from './tool-arguments.ts';

/** Which tool of which server runs a catalog action, and how its arguments are built from the plan. */
export interface McpActionMapping {
  server: string;
  tool: string;
  arguments: Record<string, unknown>;
}

export interface McpClusterOptions {
  servers: Readonly<Record<string, McpServerConfig>>;
  actions: Readonly<Partial<Record<ActionName, McpActionMapping>>>;
  /** Which of several clusters this is, for `{cluster.name}` and `{cluster.context}` in the arguments (ADR 0032). */
  cluster?: ToolCluster | undefined;
}

const deletes: ReadonlySet<ActionName> = new Set(['evict_pod', 'delete_pvc', 'delete_namespace']);

function refuse(code: ClusterError['code'], message: string, retryable = false): ExecuteResult {
  return { ok: false, error: { code, message, retryable } };
}

/**
 * Catalog actions as MCP tool calls. The dry-run, the fingerprint and reconcile still come from the cluster API
 * (`base`); only the write goes through the mapped tool, right after a fresh dry-run shows the signed state. Only
 * mapped tools are ever called (the allow-list), and their arguments are checked against the tool's input schema
 * before the call. Actions without a mapping run on `base`.
 */
export class McpCluster implements ClusterPort {
  readonly description: string;
  readonly simulated: boolean;
  readonly #base: ClusterPort;
  readonly #actions: McpClusterOptions['actions'];
  readonly #cluster: ToolCluster | undefined;
  readonly #connections: McpConnections;
  readonly #validator = new AjvJsonSchemaValidator();

  constructor(base: ClusterPort, options: McpClusterOptions) {
    this.#base = base;
    this.#actions = options.actions;
    this.#cluster = options.cluster;
    this.#connections = new McpConnections(options.servers);
    this.simulated = base.simulated;
    const mapped = Object.entries(options.actions).map(([action, mapping]) => `${action} → ${mapping!.server}/${mapping!.tool}`);
    this.description = `${base.description}; MCP: ${mapped.join(', ')}`;
  }

  /** The cluster the dry-runs, fingerprints and unmapped actions go to. */
  get base(): ClusterPort {
    return this.#base;
  }

  dryRun(action: PlannedAction, options: CallOptions): Promise<DryRunResult> {
    return this.#base.dryRun(action, options);
  }

  workloadResources(target: ActionTarget, options: CallOptions): Promise<WorkloadResources | null> {
    return this.#base.workloadResources(target, options);
  }

  /** Reads go to the base cluster; only executions go through MCP. */
  inventory(options: CallOptions): Promise<ClusterInventory> {
    if (this.#base.inventory === undefined) return Promise.reject(new Error(`${this.#base.description} cannot list its objects`));
    return this.#base.inventory(options);
  }

  async execute(action: PlannedAction, options: ExecuteOptions): Promise<ExecuteResult> {
    const mapping = this.#actions[action.action];
    if (mapping === undefined) return this.#base.execute(action, options);
    const { signal } = options;
    let tools: Awaited<ReturnType<McpConnections['tools']>>;
    try {
      tools = await this.#connections.tools(mapping.server, signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      return refuse('unavailable', `MCP server ${mapping.server} unavailable: ${error instanceof Error ? error.message : String(error)}`, true);
    }
    const tool = tools.find((candidate) => candidate.name === mapping.tool);
    if (tool === undefined) return refuse('invalid', `MCP server ${mapping.server} offers no tool ${mapping.tool}`);
    const args = toolArguments(mapping.arguments, action, this.#cluster);
    const checked = this.#validator.getValidator(tool.inputSchema)(args);
    if (!checked.valid)
      return refuse('invalid', `arguments for ${mapping.server}/${mapping.tool} do not match its input schema: ${checked.errorMessage}; not called`);

    let client: Awaited<ReturnType<McpConnections['client']>>;
    try {
      client = await this.#connections.client(mapping.server);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      return refuse('unavailable', `MCP server ${mapping.server} unavailable: ${error instanceof Error ? error.message : String(error)}`, true);
    }
    // Last before the call (ADR 0033): the plan's fingerprint read again from the cluster API. A tool cannot be told
    // to write only if nothing changed, so this read is the precondition, as close to the call as it can be.
    const fresh = await this.#base.dryRun(action, { signal });
    if (!fresh.ok)
      return refuse(
        'state_changed',
        `dry-run right before the MCP call failed: ${fresh.findings
          .filter((finding) => !finding.ok)
          .map((finding) => finding.message)
          .join('; ')}; not called`,
      );
    if (fresh.fingerprint !== options.expectedFingerprint)
      return refuse('state_changed', `${action.target.kind} ${action.target.name} changed since the dry-run; not called`);

    let result: Awaited<ReturnType<typeof client.callTool>>;
    try {
      result = await client.callTool({ name: mapping.tool, arguments: args as Record<string, unknown> }, undefined, { signal });
    } catch (error) {
      // The call may or may not have reached the cluster: rethrown, so that the core reconciles it.
      if (signal.aborted) throw signal.reason;
      throw error;
    }
    const text = textOf(result.content);
    if (result.isError === true) return refuse('failed', `MCP tool ${mapping.server}/${mapping.tool} failed: ${text}`);
    return { ok: true, message: `${describeAction(action)} via MCP ${mapping.server}/${mapping.tool}${text === '' ? '' : `: ${text}`}`, state: fresh.state };
  }

  /**
   * A tool call leaves no execution stamp, so an MCP-run action is judged by its effect: a delete by the object being
   * gone, a scale by the replica count; anything else cannot be told (unknown).
   */
  async reconcile(action: PlannedAction, executionId: string, options: CallOptions): Promise<ReconcileResult> {
    if (this.#actions[action.action] === undefined) return this.#base.reconcile(action, executionId, options);
    const seen = await this.#base.dryRun(action, options);
    if (deletes.has(action.action)) return seen.state['exists'] === false ? 'applied' : 'not_applied';
    if (action.action === 'scale_deployment' && seen.state['exists'] === true)
      return seen.state['replicas'] === action.params['replicas'] ? 'applied' : 'not_applied';
    return 'unknown';
  }

  close(): Promise<void> {
    return this.#connections.close();
  }
}

/** The text parts of a tool result, shortened for the card (they come from outside: the card escapes them). */
function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  const text = content
    .filter(
      (part): part is { type: 'text'; text: string } => typeof part === 'object' && part !== null && part.type === 'text' && typeof part.text === 'string',
    )
    .map((part) => part.text)
    .join(' ')
    .trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** How to reach one MCP server: a command over stdio, or a Streamable HTTP endpoint (with a bearer token). */
export type McpServerConfig = { command: string; args: string[]; env?: Record<string, string> | undefined } | { url: string; token?: string | undefined };

/** One tool as the server lists it. */
export interface McpTool {
  name: string;
  inputSchema: Record<string, unknown>;
}

/** Connected clients, one per configured server, opened on first use and kept; `close` ends them (and stdio children). */
export class McpConnections {
  readonly #servers: Readonly<Record<string, McpServerConfig>>;
  readonly #clients = new Map<string, Promise<Client>>();

  constructor(servers: Readonly<Record<string, McpServerConfig>>) {
    this.#servers = servers;
  }

  client(server: string): Promise<Client> {
    const existing = this.#clients.get(server);
    if (existing !== undefined) return existing;
    const config = this.#servers[server];
    if (config === undefined) return Promise.reject(new Error(`no MCP server named ${server}`));
    const client = new Client({ name: 'awoooi', version: '0.1.0' });
    const transport =
      'command' in config
        ? new StdioClientTransport({ command: config.command, args: config.args, env: { ...getDefaultEnvironment(), ...config.env }, stderr: 'ignore' })
        : new StreamableHTTPClientTransport(new URL(config.url), {
            ...(config.token !== undefined && { requestInit: { headers: { authorization: `Bearer ${config.token}` } } }),
          });
    const connected = client.connect(transport).then(() => client);
    // A failed connection is not kept: the next execution tries again.
    connected.catch(() => this.#clients.delete(server));
    this.#clients.set(server, connected);
    return connected;
  }

  async tools(server: string, signal: AbortSignal): Promise<McpTool[]> {
    const client = await this.client(server);
    const listed = await client.listTools(undefined, { signal });
    return listed.tools.map((tool) => ({ name: tool.name, inputSchema: tool.inputSchema as Record<string, unknown> }));
  }

  async close(): Promise<void> {
    const clients = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.all(clients.map((client) => client.then((connected) => connected.close()).catch(() => undefined)));
  }
}

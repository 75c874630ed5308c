import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireWebhookAuth } from '../../src/http/require-webhook-auth.ts';

/** What the bot's MCP tools read and ask; wired in the composition root. */
export interface McpEndpointDependencies {
  /** Bearer token an assistant presents (AWOOOI_MCP_TOKEN). */
  token: string;
  listIncidents(): Promise<{ incidentId: string; number: number; title: string; severity: string; status: string; openedAt: string }[]>;
  /** The card as text, or null for an unknown incident. */
  readAnalysis(incidentId: string): Promise<string | null>;
  /** A proposal through the approval engine: people sign it; the answer says what it needs. */
  requestRemediation(input: { incidentId: string; planned: unknown; reason: string }): Promise<{ ok: true; text: string } | { ok: false; message: string }>;
}

const text = (value: string, isError = false) => ({ content: [{ type: 'text' as const, text: value }], ...(isError && { isError: true }) });

/** The bot's tools, as an MCP server: read incidents and analyses, ask for a remediation. An assistant may ask; only people approve. */
function buildServer(deps: McpEndpointDependencies): McpServer {
  const server = new McpServer({ name: 'awoooi', version: '0.1.0' });
  server.registerTool('list_incidents', { description: 'The latest incidents: id, number, title, severity, status, opened at' }, async () =>
    text(JSON.stringify(await deps.listIncidents())),
  );
  server.registerTool(
    'read_analysis',
    {
      description: "An incident's card: root cause with evidence, blast radius, cost, diagnosis, the proposal and its state",
      inputSchema: { incidentId: z.uuid() },
    },
    async ({ incidentId }) => {
      const card = await deps.readAnalysis(incidentId);
      return card === null ? text(`no incident ${incidentId}`, true) : text(card);
    },
  );
  server.registerTool(
    'request_remediation',
    {
      description:
        'Ask for a remediation from the action catalog (restart_deployment, evict_pod, scale_deployment, set_resources, rollback_deployment, cordon_node, delete_pvc, delete_namespace). ' +
        'It is dry-run on the cluster and enters the multi-signature approval: people sign it; it is never approved by this call.',
      inputSchema: {
        incidentId: z.uuid(),
        action: z.string(),
        target: z.object({ kind: z.string(), namespace: z.string().optional(), name: z.string() }),
        params: z.record(z.string(), z.unknown()).optional(),
        reason: z.string().min(1).max(500),
      },
    },
    async ({ incidentId, action, target, params, reason }) => {
      const result = await deps.requestRemediation({ incidentId, planned: { action, target, params: params ?? {} }, reason });
      return result.ok ? text(result.text) : text(result.message, true);
    },
  );
  return server;
}

/**
 * `POST /mcp`: the bot as an MCP server over Streamable HTTP (stateless: one server per request), behind a bearer
 * token checked before the body is read. GET and DELETE (sessions, server-sent streams) are not offered.
 */
export function registerMcpEndpoint(app: FastifyInstance, deps: McpEndpointDependencies): void {
  app.post('/mcp', { onRequest: requireWebhookAuth({ token: deps.token }) }, async (request, reply) => {
    const server = buildServer(deps);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  });
  const notAllowed = async (_request: unknown, reply: { code(status: number): { header(name: string, value: string): { send(body: unknown): unknown } } }) =>
    reply.code(405).header('allow', 'POST').send({ error: 'method_not_allowed', message: 'this MCP endpoint is stateless: POST only' });
  app.get('/mcp', notAllowed);
  app.delete('/mcp', notAllowed);
}

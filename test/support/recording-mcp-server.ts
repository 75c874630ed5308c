/**
 * The project's own MCP server for tests (stdio): tools shaped like kubernetes-mcp-server's (resources_scale,
 * pods_delete) plus one that always fails and one no mapping may name. Every call is appended to the file named by
 * RECORD_FILE as a JSON line {tool, arguments}. It changes no cluster: the tests check what reached it. Simulated.
 *
 * usage: node test/support/recording-mcp-server.ts   (RECORD_FILE=/path/to/calls.jsonl)
 */
import { appendFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const recordFile = process.env['RECORD_FILE'];
const record = (tool: string, args: unknown) => {
  if (recordFile !== undefined) appendFileSync(recordFile, `${JSON.stringify({ tool, arguments: args })}\n`);
};

const server = new McpServer({ name: 'recording-mcp-server', version: '1.0.0' });
server.registerTool(
  'resources_scale',
  {
    description: 'Scale a Deployment (in `context`, for a server of several clusters)',
    inputSchema: { namespace: z.string(), name: z.string(), scale: z.number().int().min(0), context: z.string().optional() },
  },
  async (args) => {
    record('resources_scale', args);
    return { content: [{ type: 'text', text: `scaled ${args.namespace}/${args.name} to ${args.scale}` }] };
  },
);
server.registerTool('pods_delete', { description: 'Delete a Pod', inputSchema: { namespace: z.string(), name: z.string() } }, async (args) => {
  record('pods_delete', args);
  return { content: [{ type: 'text', text: `Pod deleted successfully` }] };
});
server.registerTool('always_fails', { description: 'Fails', inputSchema: { namespace: z.string(), name: z.string() } }, async (args) => {
  record('always_fails', args);
  return { isError: true, content: [{ type: 'text', text: 'deployments.apps "api" is forbidden: User "mcp" cannot patch resource "deployments"' }] };
});
server.registerTool('resources_delete', { description: 'Delete anything', inputSchema: { kind: z.string(), name: z.string() } }, async (args) => {
  record('resources_delete', args);
  return { content: [{ type: 'text', text: 'deleted' }] };
});
await server.connect(new StdioServerTransport());

import { readFile } from 'node:fs/promises';
import { parseTopology } from './parse-topology.ts';
import type { TopologyService } from './topology.ts';

export type ReadTopologyResult = { ok: true; services: TopologyService[] } | { ok: false; errors: string[] };

/** Reads and validates a topology YAML file; errors are prefixed with the file name. */
export async function readTopologyFile(path: string): Promise<ReadTopologyResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, errors: [`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`] };
  }
  const parsed = parseTopology(text);
  return parsed.ok ? parsed : { ok: false, errors: parsed.errors.map((error) => `${path}: ${error}`) };
}

import { parseDocument } from 'yaml';
import { z } from 'zod';
import { serviceKinds, type TopologyService } from './topology.ts';

/** Outcome of reading a topology file: the services, or every problem found, each naming where. */
export type ParseTopologyResult = { ok: true; services: TopologyService[] } | { ok: false; errors: string[] };

const nonEmpty = z.string().trim().min(1, 'must not be empty');

// Strict so that a typo such as `depends_on` is reported instead of silently dropping every edge.
const serviceSchema = z.strictObject({
  name: nonEmpty,
  // Most nodes are plain services; making everyone write it adds noise, not safety.
  kind: z.enum(serviceKinds).default('service'),
  namespace: nonEmpty.optional(),
  dependsOn: z
    .array(nonEmpty)
    .nullish()
    .transform((names) => [...new Set(names ?? [])]),
});

/**
 * Reads a topology file (DESIGN.md §4). An empty file or an absent `services` list is a valid, empty topology.
 * Problems are collected, not thrown: YAML syntax, unknown keys and kinds, missing or duplicate names,
 * dependencies on services the file does not declare.
 */
export function parseTopology(yamlText: string): ParseTopologyResult {
  const doc = parseDocument(yamlText);
  if (doc.errors.length > 0) {
    // The tree behind a syntax error is a guess; checking it would report phantom problems.
    return { ok: false, errors: doc.errors.map(formatYamlError) };
  }
  const root: unknown = doc.toJS();
  if (root === null || root === undefined) return { ok: true, services: [] };
  if (!isRecord(root)) {
    return { ok: false, errors: [`topology: expected a mapping with a "services" list, got ${describe(root)}`] };
  }

  const errors: string[] = [];
  for (const key of Object.keys(root)) {
    if (key !== 'services') errors.push(`topology: unknown key "${key}" (expected "services")`);
  }
  const rawServices = root['services'];
  if (rawServices === null || rawServices === undefined) {
    return errors.length > 0 ? { ok: false, errors } : { ok: true, services: [] };
  }
  if (!Array.isArray(rawServices)) {
    errors.push(`services: expected a list of services, got ${describe(rawServices)}`);
    return { ok: false, errors };
  }

  const declared = declaredNames(rawServices, errors);
  const services: TopologyService[] = [];
  rawServices.forEach((raw: unknown, i) => {
    const where = `services[${i}]`;
    if (!isRecord(raw)) {
      errors.push(`${where}: expected a mapping with name, kind and dependsOn, got ${describe(raw)}`);
      return;
    }
    const parsed = serviceSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push(`${where}${formatPath(issue.path)}: ${describeIssue(issue)}`);
    }
    // Checked on the raw entry so that one bad field does not hide a dangling dependency next to it.
    const name = typeof raw['name'] === 'string' ? raw['name'].trim() : undefined;
    const deps = Array.isArray(raw['dependsOn']) ? raw['dependsOn'] : [];
    for (const dep of deps) {
      if (typeof dep !== 'string' || dep.trim() === '') continue;
      const target = dep.trim();
      if (target === name) errors.push(`${where}.dependsOn: "${target}" depends on itself`);
      else if (!declared.has(target)) errors.push(`${where}.dependsOn: "${target}" is not a service in the topology`);
    }
    if (parsed.success) {
      const { namespace, ...rest } = parsed.data;
      services.push(namespace === undefined ? rest : { ...rest, namespace });
    }
  });

  return errors.length > 0 ? { ok: false, errors } : { ok: true, services };
}

/** Names declared by the entries, reporting duplicates; the first declaration is the one that counts. */
function declaredNames(rawServices: unknown[], errors: string[]): Set<string> {
  const firstIndex = new Map<string, number>();
  rawServices.forEach((raw: unknown, i) => {
    if (!isRecord(raw) || typeof raw['name'] !== 'string') return;
    const name = raw['name'].trim();
    if (name === '') return;
    const first = firstIndex.get(name);
    if (first === undefined) firstIndex.set(name, i);
    else errors.push(`services[${i}].name: duplicate name "${name}" (first declared at services[${first}])`);
  });
  return new Set(firstIndex.keys());
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'missing' : `expected ${issue.expected}, got ${describe(issue.input)}`;
    case 'invalid_value':
      return `unknown ${String(issue.path.at(-1) ?? 'value')} ${JSON.stringify(issue.input)} (expected one of ${issue.values.join(', ')})`;
    case 'unrecognized_keys':
      return `${issue.keys.map((key) => `unknown key "${key}"`).join(', ')} (expected name, kind, namespace, dependsOn)`;
    default:
      return issue.message;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
}

function formatYamlError(error: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] }): string {
  const firstLine = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const pos = error.linePos?.[0];
  return pos ? `yaml: line ${pos.line}, column ${pos.col}: ${firstLine}` : `yaml: ${firstLine}`;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

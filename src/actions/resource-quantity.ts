import { z } from 'zod';

const mebibyte = 2 ** 20;
const gibibyte = 2 ** 30;
const memoryUnits: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: mebibyte, Gi: gibibyte, Ti: 2 ** 40 };

// Deliberately narrower than Kubernetes' quantity grammar: what a person writes for requests and limits, no exponents.
const cpuPattern = /^(\d{1,6})(\.\d{1,3})?(m?)$/;
const memoryPattern = /^(\d{1,9})(\.\d{1,3})?(k|M|G|T|Ki|Mi|Gi|Ti)?$/;

/** Bounds a sane container request or limit stays within; zero is never one (it would mean "no request"). */
export const cpuBounds = { minimumCores: 0.001, maximumCores: 256 };
export const memoryBounds = { minimumGiB: 4 / 1024, maximumGiB: 1024 };

/** A CPU quantity ("250m", "0.5", "2") in cores; null when it is not one. */
export function cpuCoresOf(text: string): number | null {
  const match = cpuPattern.exec(text);
  if (match === null) return null;
  const amount = Number(`${match[1]}${match[2] ?? ''}`);
  return match[3] === 'm' ? amount / 1000 : amount;
}

/** A memory quantity ("512Mi", "1Gi", "1G") in GiB; null when it is not one. */
export function memoryGiBOf(text: string): number | null {
  const match = memoryPattern.exec(text);
  if (match === null) return null;
  return (Number(`${match[1]}${match[2] ?? ''}`) * (memoryUnits[match[3] ?? ''] ?? Number.NaN)) / gibibyte;
}

/** CPU rounded up to whole 10 millicores ("90m", "1200m"): a request no finer than a scheduler cares about. */
export function roundCpu(cores: number): string {
  return `${Math.max(10, Math.ceil(Math.round(cores * 1e6) / 1e4) * 10)}m`;
}

/** Memory rounded up to whole 16 MiB ("368Mi"). */
export function roundMemory(gib: number): string {
  return `${Math.max(16, Math.ceil(Math.round(gib * 1024 * 1e3) / 16e3) * 16)}Mi`;
}

const cpuQuantity = z.string().refine(
  (text) => {
    const cores = cpuCoresOf(text);
    return cores !== null && cores >= cpuBounds.minimumCores && cores <= cpuBounds.maximumCores;
  },
  { message: 'a CPU quantity such as "250m" or "1.5", from 1m to 256 cores' },
);

const memoryQuantity = z.string().refine(
  (text) => {
    const gib = memoryGiBOf(text);
    return gib !== null && gib >= memoryBounds.minimumGiB && gib <= memoryBounds.maximumGiB;
  },
  { message: 'a memory quantity such as "512Mi" or "2Gi", from 4Mi to 1Ti' },
);

const resourcePair = z.strictObject({ cpu: cpuQuantity.optional(), memory: memoryQuantity.optional() });

/**
 * Parameters of `set_resources`: one container's requests (at least one of cpu, memory) and optionally its limits.
 * A request above its limit is refused here, as the API server would refuse it.
 */
export const resourceParams = z
  .strictObject({
    container: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a container name (DNS-1123 label)'),
    requests: resourcePair,
    limits: resourcePair.optional(),
  })
  .superRefine((params, context) => {
    const { requests, limits } = params;
    if (requests.cpu === undefined && requests.memory === undefined) context.addIssue({ code: 'custom', path: ['requests'], message: 'name cpu or memory' });
    if (limits !== undefined && limits.cpu === undefined && limits.memory === undefined)
      context.addIssue({ code: 'custom', path: ['limits'], message: 'name cpu or memory, or leave limits out' });
    if (requests.cpu !== undefined && limits?.cpu !== undefined && (cpuCoresOf(requests.cpu) ?? 0) > (cpuCoresOf(limits.cpu) ?? 0))
      context.addIssue({ code: 'custom', path: ['requests', 'cpu'], message: 'the CPU request must not exceed the CPU limit' });
    if (requests.memory !== undefined && limits?.memory !== undefined && (memoryGiBOf(requests.memory) ?? 0) > (memoryGiBOf(limits.memory) ?? 0))
      context.addIssue({ code: 'custom', path: ['requests', 'memory'], message: 'the memory request must not exceed the memory limit' });
  });

export type ResourceParams = z.infer<typeof resourceParams>;

/** "cpu 90m, memory 368Mi". */
export function resourcesText(pair: { cpu?: string | undefined; memory?: string | undefined }): string {
  return [pair.cpu === undefined ? null : `cpu ${pair.cpu}`, pair.memory === undefined ? null : `memory ${pair.memory}`].filter(Boolean).join(', ');
}

import type { z } from 'zod';

/** The first few zod issues as `path: message`, for a 400 answer or a CLI error. */
export function formatIssues(error: z.ZodError, max = 5): string[] {
  const lines = error.issues.slice(0, max).map((issue) => {
    const path = issue.path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');
    return `${path || '(body)'}: ${issue.message}`;
  });
  if (error.issues.length > max) lines.push(`…and ${error.issues.length - max} more`);
  return lines;
}

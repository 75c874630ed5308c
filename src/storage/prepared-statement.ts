import { sql, type RawBuilder } from 'kysely';

const marker = /^\/\* prepared:([a-z-]+) \*\//;

/**
 * Marks the statement it starts as a hot one, to be prepared once per connection and executed by name (on a
 * PostgreSQL server; see `preparingQuery`). Put it first in a `sql` template whose text never changes (values
 * only as parameters): a storm's batch runs a handful of these hundreds of times a second, and parsing and
 * planning them each time was a good part of PostgreSQL's work.
 */
export function prepared(name: string): RawBuilder<unknown> {
  return sql.raw(`/* prepared:${name} */`);
}

/** The pg `query` argument for a statement's text: named (prepared once per connection) when marked so. */
export function preparedQuery(text: string, values: unknown[] | undefined): { name: string; text: string; values: unknown[] | undefined } | null {
  const match = marker.exec(text);
  return match === null ? null : { name: `awoooi-${match[1]}`, text, values };
}

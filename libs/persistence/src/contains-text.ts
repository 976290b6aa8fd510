import { raw } from '@mikro-orm/core';

/**
 * A "contains" filter for user-typed search text that works on every driver: `%`, `_` and `[`
 * match themselves (escaped with `!`), and `$like` is used because `$ilike` exists only on
 * PostgreSQL. Case sensitivity follows the column's collation: insensitive on SQLite (ASCII) and
 * SQL Server's default collations, sensitive on PostgreSQL.
 */
export function containsText(text: string): { $like: string } {
  const pattern = `%${text.replace(/[!%_[\]]/g, (c) => `!${c}`)}%`;
  // A raw fragment carries the ESCAPE clause; typed as string so it fits any string property filter.
  return { $like: raw(`? escape '!'`, [pattern]) as unknown as string };
}

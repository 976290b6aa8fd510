/** An export holds at most this many rows (a spreadsheet of 100,000 customers is ~5 MB). */
export const EXPORT_MAX_ROWS = 100_000;

/** Rows read per query while an export streams: memory holds one batch, never the file. */
export const EXPORT_BATCH = 1_000;

/** How an export reads its rows (the defaults; tests take smaller batches). */
export interface ExportPaging {
  batch?: number;
  limit?: number;
}

/**
 * Whole cents (a 64-bit count, as the database gives it: number, bigint or decimal text) as yuan
 * with two decimals. Exact while the sum is below 2^53 cents (90 trillion yuan).
 */
export function yuanOf(cents: number | bigint | string): number {
  return Number(BigInt(cents)) / 100;
}

/** count / total as a fraction rounded to 4 decimals (0 when there is no total). */
export function shareOf(count: number, total: number): number {
  return total === 0 ? 0 : Math.round((count / total) * 10_000) / 10_000;
}

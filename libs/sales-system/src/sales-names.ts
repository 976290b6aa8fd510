import { z } from 'zod';

/**
 * The company's sales system is another team's database (requirements "The sales system"). These
 * are its tables and columns as the spec names them; a real database of that shape with other
 * names plugs in by overriding any of them (SALES_DB_NAMES, a JSON object of the same shape).
 */
export const DEFAULT_SALES_NAMES = {
  product: { table: 'product', id: 'id', name: 'name', model: 'model', batch: 'batch', unit: 'unit', price: 'price', memo: 'memo' },
  storage: { table: 'storage', id: 'id', product: 'product_id', warehouse: 'warehouse', location: 'location', count: 'count', memo: 'memo' },
  orders: { table: 'orders', id: 'id', customerNo: 'customer_no', date: 'date', deliveryAddress: 'delivery_address', status: 'status' },
  orderLine: { table: 'orders_line', id: 'id', order: 'order_id', product: 'product_id', count: 'count', unit: 'unit', price: 'price' },
} as const;

type Names<T> = { [Table in keyof T]: { [Column in keyof T[Table]]: string } };
export type SalesNames = Names<typeof DEFAULT_SALES_NAMES>;

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be a plain SQL identifier');

/** Every table's names as optional overrides; unknown keys are refused, so a typo is not ignored. */
const overridesSchema = z
  .object(
    Object.fromEntries(
      Object.entries(DEFAULT_SALES_NAMES).map(([table, columns]) => [
        table,
        z
          .object(Object.fromEntries(Object.keys(columns).map((column) => [column, identifier.optional()])))
          .strict()
          .optional(),
      ]),
    ),
  )
  .strict();

/** The names with `overrides` (the parsed SALES_DB_NAMES) applied over the spec's. */
export function salesNames(overrides: unknown = {}): SalesNames {
  const parsed = overridesSchema.parse(overrides ?? {}) as Partial<Record<keyof SalesNames, Record<string, string | undefined>>>;
  const names = structuredClone(DEFAULT_SALES_NAMES) as unknown as SalesNames;
  for (const table of Object.keys(names) as (keyof SalesNames)[]) {
    for (const [column, name] of Object.entries(parsed[table] ?? {})) {
      if (name) (names[table] as Record<string, string>)[column] = name;
    }
  }
  return names;
}

/** SALES_DB_NAMES as configured: empty → the spec's names; else JSON, checked. */
export const salesNamesEnv = z
  .string()
  .default('')
  .transform((text, ctx) => {
    if (!text.trim()) return salesNames();
    try {
      return salesNames(JSON.parse(text));
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `SALES_DB_NAMES: ${error instanceof Error ? error.message : String(error)}` });
      return z.NEVER;
    }
  });

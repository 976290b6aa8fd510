import { BigIntType, raw } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { LENGTH } from '../read-models/lengths';

/** `year` of the row that sums a customer number's orders of every year. */
export const ALL_YEARS = 0;

/**
 * 客户贡献分析, pre-aggregated: a customer number's counted orders (shipped or paid) of one year,
 * and of all years in the row of year ALL_YEARS, moved by each order event's difference. A page is
 * a walk of `customer_contribution_rank_idx` for one year, however many orders there are. Only
 * numbers with at least one counted order have a row. The customer's id and name are not copied
 * here but read from its fact for the page's rows: a copy written by an order's handler could miss
 * the customer's first event committing at the same moment (PostgreSQL, concurrent handlers) and
 * stay without a name for good.
 */
@Entity({ tableName: 'customer_contribution' })
// Largest first, ties by number ascending: mixed directions need a descending key column. Written
// as an expression because MikroORM's SQLite schema reader drops the sort order of index columns
// (the diff would recreate an index declared with `columns` forever); expression indexes are
// compared by name.
@Index({
  name: 'customer_contribution_rank_idx',
  expression: (columns, table, name) =>
    raw(`create index ?? on ${table.schema ? '??.' : ''}?? (?? asc, ?? desc, ?? asc)`, [
      name,
      ...(table.schema ? [table.schema] : []),
      table.name,
      columns.year,
      columns.totalCents,
      columns.customerNo,
    ]),
})
export class CustomerContribution {
  // Key (customer number, year): an order's two rows, found by key.
  @PrimaryKey({ type: 'string', length: LENGTH.customerNo })
  customerNo!: string;

  @PrimaryKey({ type: 'integer', autoincrement: false })
  year!: number;

  /** Σ of the orders' totals in whole cents (64 bits). */
  @Property({ type: new BigIntType('number') })
  totalCents!: number;

  @Property({ type: 'integer' })
  orderCount!: number;
}

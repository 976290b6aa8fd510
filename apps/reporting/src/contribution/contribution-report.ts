import { Injectable } from '@nestjs/common';
import { EntityManager, raw } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { containsText } from '@crm/persistence';
import { type Page, toPage } from '@crm/service-kit';
import { CustomerFact } from '../customers/customer-fact.entity';
import { columnOf, tableOf } from '../read-models/sql';
import { EXPORT_BATCH, EXPORT_MAX_ROWS, type ExportPaging, yuanOf } from '../reports/report-rows';
import { ALL_YEARS, CustomerContribution } from './customer-contribution.entity';
import type { ContributionFilters, ContributionItemResponse, ContributionQuery } from './dto/contribution.dto';

/** The report's order, which `customer_contribution_rank_idx` serves for one year. */
const LARGEST_FIRST = { totalCents: 'desc', customerNo: 'asc' } as const;

/**
 * Up to this many customers matching a name filter: their rows are looked up by number and sorted
 * here; more (a name part many customers share), and the rank index is walked, each row checked
 * against its customer's name, which finds a page after a short way.
 */
export const FEW_NAMED = 2_000;

/** Numbers per `in (…)` list: SQL Server takes at most 2,100 parameters in a statement. */
const NUMBERS_PER_QUERY = 1_000;

/**
 * 客户贡献分析 (requirements §4) from the pre-aggregated rows: a page is the rank index of one year
 * (ALL_YEARS by default) walked in order, then the page's customers' ids and names from their
 * facts (one query by number) — never a scan of orders. A name filter ("contains") is matched
 * against the customers' facts (one row per customer, not per year): measured at 100,000
 * customers and 1,000,000 orders on SQLite, a sparse filter (a whole name, a city) finds its
 * customers in one scan of the facts and their rows by key; a dense one (`有限公司`: every customer)
 * counts its rows from the facts and walks the rank index for the page.
 */
@Injectable()
export class ContributionReport {
  /** FEW_NAMED; a test sets 0 to take the dense path with few rows. */
  fewNamed = FEW_NAMED;

  constructor(private readonly em: EntityManager) {}

  async page(query: ContributionQuery): Promise<Page<ContributionItemResponse>> {
    const year = query.year ?? ALL_YEARS;
    if (query.customerName) {
      const few = await fewNamed(this.em, year, query.customerName, this.fewNamed);
      if (few) return toPage(await withCustomers(this.em, few.slice(query.offset, query.offset + query.pageSize)), few.length, query);
    }
    const [rows, total] = await Promise.all([
      ranked(this.em, year, query.customerName).limit(query.pageSize).offset(query.offset).getResultList(),
      query.customerName ? countNamed(this.em, year, query.customerName) : this.em.count(CustomerContribution, { year }),
    ]);
    return toPage(await withCustomers(this.em, rows), total, query);
  }

  /**
   * Every row of the filtered report in its order, for an export: a batch at a time by keyset
   * (total, number), at most EXPORT_MAX_ROWS. `em` outlives the request (the file streams after it).
   */
  async *rows(em: EntityManager, filters: ContributionFilters, { batch = EXPORT_BATCH, limit = EXPORT_MAX_ROWS }: ExportPaging = {}): AsyncGenerator<ContributionItemResponse> {
    const year = filters.year ?? ALL_YEARS;
    const few = filters.customerName ? await fewNamed(em, year, filters.customerName, this.fewNamed) : undefined;
    if (few) {
      for (let start = 0; start < Math.min(few.length, limit); start += batch) yield* await withCustomers(em, few.slice(start, Math.min(start + batch, limit)));
      return;
    }
    let after: CustomerContribution | undefined;
    for (let read = 0; read < limit; ) {
      const query = ranked(em, year, filters.customerName).limit(Math.min(batch, limit - read));
      if (after) query.andWhere({ $or: [{ totalCents: { $lt: after.totalCents } }, { totalCents: after.totalCents, customerNo: { $gt: after.customerNo } }] });
      const rows = await query.getResultList();
      yield* await withCustomers(em, rows);
      read += rows.length;
      if (rows.length < batch) return;
      after = rows[rows.length - 1];
    }
  }
}

/**
 * The year's rows in the report's order (the rank index); with a name, those whose customer's
 * name contains it, checked row by row as the walk goes (for dense matches: a page is found after
 * a short way).
 */
function ranked(em: EntityManager, year: number, customerName?: string) {
  const sql = em as SqlEntityManager;
  const query = sql.createQueryBuilder(CustomerContribution, 'c').select('*').where({ year }).orderBy(LARGEST_FIRST);
  if (!customerName) return query;
  const named = sql.createQueryBuilder(CustomerFact, 'f').select(raw('1')).where({ customerNo: raw('??.??', ['c', 'customer_no']), name: containsText(customerName) }).toRaw();
  return query.andWhere(raw(`exists (${named.sql})`, [...named.params]));
}

/**
 * How many rows of `year` belong to customers whose name contains `text`: counted from the facts
 * (one row per customer, each with its row of the year looked up by key), which a dense filter
 * reads far faster than the year's rows each checked against a name.
 */
function countNamed(em: EntityManager, year: number, text: string): Promise<number> {
  const sql = em as SqlEntityManager;
  const row = sql.createQueryBuilder(CustomerContribution, 'c').select(raw('1')).where({ customerNo: raw('??.??', ['f', 'customer_no']), year }).toRaw();
  return sql
    .createQueryBuilder(CustomerFact, 'f')
    .where({ name: containsText(text) })
    .andWhere(raw(`exists (${row.sql})`, [...row.params]))
    .getCount();
}

/** A row as the report needs it (read as plain values where many are read). */
type Ranked = Pick<CustomerContribution, 'customerNo' | 'totalCents' | 'orderCount'>;

/**
 * When at most `atMost` customers' names contain `text`: their rows of `year`, in the report's
 * order (read by key and sorted here: cheaper than any walk at that size); else undefined.
 */
async function fewNamed(em: EntityManager, year: number, text: string, atMost: number): Promise<Ranked[] | undefined> {
  const named = await (em as SqlEntityManager)
    .createQueryBuilder(CustomerFact, 'f')
    .select('f.customerNo')
    .where({ name: containsText(text) })
    .limit(atMost + 1)
    .execute<{ customerNo: string }[]>('all');
  if (named.length > atMost) return undefined;
  const rows: Ranked[] = [];
  for (let start = 0; start < named.length; start += NUMBERS_PER_QUERY) rows.push(...(await rowsByNumber(em, year, named.slice(start, start + NUMBERS_PER_QUERY).map((row) => row.customerNo))));
  return rows.sort((a, b) => b.totalCents - a.totalCents || (a.customerNo < b.customerNo ? -1 : a.customerNo > b.customerNo ? 1 : 0));
}

/**
 * The rows of `year` of these numbers, as plain values. Written as SQL (values bound as usual):
 * the query builder's handling of a thousand-value `in` list cost more than the query itself.
 */
async function rowsByNumber(em: EntityManager, year: number, numbers: string[]): Promise<Ranked[]> {
  const column = (property: keyof Ranked | 'year') => columnOf(em, CustomerContribution, property);
  const found = await (em as SqlEntityManager).execute<Record<string, string | number>[]>(
    `select ${column('customerNo')} as n, ${column('totalCents')} as t, ${column('orderCount')} as c from ${tableOf(em, CustomerContribution)} ` +
      `where ${column('year')} = ? and ${column('customerNo')} in (${numbers.map(() => '?').join(', ')})`,
    [year, ...numbers],
  );
  // 64-bit sums come back as text from PostgreSQL.
  return found.map((row) => ({ customerNo: String(row.n), totalCents: Number(row.t), orderCount: Number(row.c) }));
}

/** The rows with their customers' ids and current names (null for a number no customer event has named yet). */
async function withCustomers(em: EntityManager, rows: Ranked[]): Promise<ContributionItemResponse[]> {
  if (rows.length === 0) return [];
  const customers = await em.find(CustomerFact, { customerNo: { $in: rows.map((row) => row.customerNo) } }, { fields: ['customerId', 'customerNo', 'name'], disableIdentityMap: true });
  const byNumber = new Map(customers.map((customer) => [customer.customerNo, customer]));
  return rows.map((row) => {
    const customer = byNumber.get(row.customerNo);
    return {
      customerId: customer?.customerId ?? null,
      customerNo: row.customerNo,
      customerName: customer?.name ?? null,
      totalAmount: yuanOf(row.totalCents),
      orderCount: row.orderCount,
    };
  });
}

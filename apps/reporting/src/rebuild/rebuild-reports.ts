import { Injectable } from '@nestjs/common';
import { type EntityClass, MikroORM, raw } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { CompositionCount, COMPOSITION_DIMENSIONS, UNSET_ITEM } from '../composition/composition-count.entity';
import { ALL_YEARS, CustomerContribution } from '../contribution/customer-contribution.entity';
import { CustomerFact } from '../customers/customer-fact.entity';
import { OrderFact } from '../orders/order-fact.entity';
import { columnOf, dialectOf, tableOf } from '../read-models/sql';
import { ServiceCount } from '../service-analysis/service-count.entity';
import { TicketFact } from '../tickets/ticket-fact.entity';

/** What a rebuild read and wrote. */
export interface RebuildResult {
  orderFacts: number;
  customerFacts: number;
  ticketFacts: number;
  contributionRows: number;
  compositionRows: number;
  serviceRows: number;
  durationMs: number;
}

/** The facts the aggregates are computed from, and the aggregates, in the order every writer locks them. */
const FACTS: EntityClass<object>[] = [OrderFact, CustomerFact, TicketFact];
const AGGREGATES: EntityClass<object>[] = [CustomerContribution, CompositionCount, ServiceCount];

/**
 * Recomputes every pre-aggregated row from the facts the service kept, in one transaction: the
 * aggregates are locked first, emptied, and filled by one set-based INSERT … SELECT … GROUP BY each
 * (never row by row: a million order facts), so they converge to the same numbers as the events
 * applied one by one (the test compares them). The churn analysis reads its facts directly and
 * needs nothing here.
 *
 * Consumers go on meanwhile: each writes its fact, then its aggregate rows, in one transaction.
 * One that reaches the aggregates after the lock waits until the rebuild commits; the rebuild did
 * not see its fact (uncommitted), and its difference is then added to the rebuilt rows — so it is
 * neither lost nor counted twice. One that took its rows first commits before the lock is granted,
 * and the rebuild reads its fact. Per dialect: PostgreSQL `LOCK TABLE … IN EXCLUSIVE MODE` (reads
 * of other transactions' facts never wait: MVCC); SQLite's one writer (the first DELETE takes the
 * database's write lock, and every read after it sees the latest commit); SQL Server, whose reads
 * do wait for uncommitted rows, shared table locks on the facts first (writers in flight finish,
 * new ones wait) and then exclusive ones on the aggregates, so no writer holds a fact the rebuild
 * waits for while waiting for an aggregate the rebuild holds.
 */
@Injectable()
export class RebuildReports {
  constructor(private readonly orm: MikroORM) {}

  async execute(): Promise<RebuildResult> {
    const started = performance.now();
    const counts = await this.orm.em.fork().transactional(async (transaction) => {
      const em = transaction as SqlEntityManager;
      await lockForRebuild(em);
      for (const aggregate of AGGREGATES) await em.nativeDelete(aggregate, {});
      await rebuildContribution(em);
      await rebuildComposition(em);
      await rebuildServices(em);
      // Every row was replaced: the planner's statistics of the old ones would mislead it (PostgreSQL
      // runs ANALYZE in the transaction; autovacuum would only get to it later).
      if (dialectOf(em) === 'postgresql') await em.execute(`analyze ${AGGREGATES.map((entity) => tableOf(em, entity)).join(', ')}`, [], 'run');
      const [orderFacts, customerFacts, ticketFacts, contributionRows, compositionRows, serviceRows] = await countRows(em, [...FACTS, ...AGGREGATES]);
      return { orderFacts, customerFacts, ticketFacts, contributionRows, compositionRows, serviceRows };
    });
    return { ...counts, durationMs: Math.round(performance.now() - started) };
  }
}

async function lockForRebuild(em: SqlEntityManager): Promise<void> {
  const dialect = dialectOf(em);
  if (dialect === 'sqlite') return;
  if (dialect === 'postgresql') {
    await em.execute(`lock table ${AGGREGATES.map((entity) => tableOf(em, entity)).join(', ')} in exclusive mode`, [], 'run');
    return;
  }
  for (const fact of FACTS) await em.execute(`select count(*) as n from ${tableOf(em, fact)} with (tablock, holdlock)`, [], 'get');
  for (const aggregate of AGGREGATES) await em.execute(`select count(*) as n from ${tableOf(em, aggregate)} with (tablockx, holdlock)`, [], 'get');
}

/** Counted orders (shipped, paid) per customer number and year, and per number over every year. */
async function rebuildContribution(em: SqlEntityManager): Promise<void> {
  const sums = [raw('sum(??)', ['o.amount_cents']), raw('count(*)')];
  const counted = () => em.createQueryBuilder(OrderFact, 'o').where({ counted: true });
  const columns = ['customerNo', 'year', 'totalCents', 'orderCount'] as const;
  await insertFrom(em, CustomerContribution, columns, counted().select(['o.customerNo', 'o.orderYear', ...sums]).groupBy(['o.customerNo', 'o.orderYear']));
  await insertFrom(em, CustomerContribution, columns, counted().select(['o.customerNo', raw('?', [ALL_YEARS]), ...sums]).groupBy('o.customerNo'));
}

/** Normal customers per item of each dimension (the unset item as UNSET_ITEM, as the consumer keys it). */
async function rebuildComposition(em: SqlEntityManager): Promise<void> {
  for (const dimension of COMPOSITION_DIMENSIONS) {
    const column = `c.${dimension}`;
    // Credit and satisfaction are numbers; their items are their digits.
    const item = dimension === 'level' ? raw('coalesce(??, ?)', [column, UNSET_ITEM]) : raw('coalesce(cast(?? as varchar(50)), ?)', [column, UNSET_ITEM]);
    const select = em.createQueryBuilder(CustomerFact, 'c').select([raw('?', [dimension]), item, raw('count(*)')]).where({ status: 'normal' }).groupBy(item);
    await insertFrom(em, CompositionCount, ['dimension', 'item', 'customers'], select);
  }
}

/** Every ticket once, per year of creation and type. */
async function rebuildServices(em: SqlEntityManager): Promise<void> {
  const select = em.createQueryBuilder(TicketFact, 't').select(['t.createdYear', 't.type', raw('count(*)')]).groupBy(['t.createdYear', 't.type']);
  await insertFrom(em, ServiceCount, ['year', 'type', 'tickets'], select);
}

async function countRows(em: SqlEntityManager, entities: EntityClass<object>[]): Promise<number[]> {
  const counts: number[] = [];
  for (const entity of entities) counts.push(await em.count(entity, {}));
  return counts;
}

/** `insert into <target> (<columns>) <select>`: the select's columns in the order of `properties`. */
async function insertFrom<T extends object>(
  em: SqlEntityManager,
  target: EntityClass<T>,
  properties: readonly (keyof T & string)[],
  select: { toQuery(): { sql: string; params: readonly unknown[] } },
): Promise<void> {
  const columns = properties.map((property) => columnOf(em, target, property)).join(', ');
  const { sql, params } = select.toQuery();
  await em.execute(`insert into ${tableOf(em, target)} (${columns}) ${sql}`, [...params], 'run');
}

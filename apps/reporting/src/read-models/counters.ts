import { type EntityClass, type EntityData, type EntityManager, type FilterQuery, raw, type RequiredEntityData, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { columnOf, dialectOf, tableOf } from './sql';

/** Amounts to add to an aggregate row's counters, by property. */
export type Increments<T> = Partial<Record<keyof T & string, number>>;

export interface CounterTable<T> {
  entity: EntityClass<T>;
  /** The property that counts the facts in a row: a row is removed when it reaches 0. */
  count: keyof T & string;
}

interface Move<T> {
  key: FilterQuery<T> & object;
  increments: Increments<T>;
}

/**
 * The differences one event makes to the pre-aggregated rows of one table, collected first and
 * then written in key order: two handlers moving the same rows take their locks in the same order,
 * so they wait for each other instead of deadlocking (PostgreSQL, SQL Server).
 */
export class CounterMoves<T extends object> {
  private readonly moves = new Map<string, Move<T>>();

  constructor(private readonly table: CounterTable<T>) {}

  /** Adds `increments` (with a sign) to the row of `key`; moves of one row add up. */
  add(key: FilterQuery<T> & object, increments: Increments<T>, sign = 1): this {
    const id = JSON.stringify(Object.values(key));
    const move = this.moves.get(id) ?? { key, increments: {} };
    const sums = move.increments as Record<string, number>;
    for (const [property, amount] of Object.entries(increments) as [string, number][]) sums[property] = (sums[property] ?? 0) + sign * amount;
    this.moves.set(id, move);
    return this;
  }

  /** Writes every move (see addToCounters). */
  async apply(em: EntityManager): Promise<void> {
    for (const id of [...this.moves.keys()].sort()) {
      const { key, increments } = this.moves.get(id)!;
      await addToCounters(em, this.table, key, increments);
    }
  }
}

/**
 * Moves one pre-aggregated row by a difference, in the caller's transaction, adding in the
 * database (`col = col + ?`, never read-modify-write, so concurrent handlers add up):
 * - adding facts to a row that may not exist yet: one upsert on SQLite and PostgreSQL
 *   (`insert … on conflict (key) do update set col = col + excluded.col`); on SQL Server an UPDATE,
 *   and only when it found no row an INSERT in a savepoint, so that another handler inserting the
 *   same row at the same moment makes this one update it instead of failing;
 * - taking facts away: an UPDATE, then the row removed if its count fell to 0, so that the rows are
 *   exactly those a rebuild from the facts makes. A row that is not there is left alone: the
 *   aggregate is out of step with the facts, and only a rebuild makes that right.
 */
export async function addToCounters<T extends object>(em: EntityManager, table: CounterTable<T>, key: FilterQuery<T> & object, increments: Increments<T>): Promise<void> {
  const deltas = Object.entries(increments).filter(([, delta]) => delta !== 0) as [keyof T & string, number][];
  if (deltas.length === 0) return;
  const countDelta = increments[table.count] ?? 0;
  // A new row gets every counter given, zeros too (an order of 0.00 still counts once).
  const initial = Object.entries(increments) as [string, number][];
  if (countDelta > 0 && dialectOf(em) !== 'mssql') {
    await upsert(em, table.entity, key as Record<string, unknown>, initial);
    return;
  }
  const update = () => em.nativeUpdate(table.entity, key as never, Object.fromEntries(deltas.map(([property, delta]) => [property, raw(`${columnOf(em, table.entity, property)} + ?`, [delta])])) as EntityData<T>);
  if ((await update()) === 0) {
    if (countDelta <= 0) return;
    try {
      await em.transactional((savepoint) => savepoint.insert(table.entity, { ...key, ...Object.fromEntries(initial) } as RequiredEntityData<T>));
      return;
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      await update();
    }
  }
  if (countDelta < 0) await em.nativeDelete(table.entity, { $and: [key, { [table.count]: { $lte: 0 } }] } as never);
}

const ROW = 'held';

/** SQLite and PostgreSQL: insert the row with the increments as its counters, or add them to the row that is there. */
async function upsert<T extends object>(em: EntityManager, entity: EntityClass<T>, key: Record<string, unknown>, increments: [string, number][]): Promise<void> {
  const keyColumns = Object.keys(key).map((property) => columnOf(em, entity, property));
  const counterColumns = increments.map(([property]) => columnOf(em, entity, property));
  const values = [...Object.values(key), ...increments.map(([, amount]) => amount)];
  await (em as SqlEntityManager).execute(
    // The alias names the existing row (PostgreSQL would find a bare column ambiguous with `excluded`'s).
    `insert into ${tableOf(em, entity)} as ${ROW} (${[...keyColumns, ...counterColumns].join(', ')}) values (${values.map(() => '?').join(', ')}) ` +
      `on conflict (${keyColumns.join(', ')}) do update set ${counterColumns.map((column) => `${column} = ${ROW}.${column} + excluded.${column}`).join(', ')}`,
    values,
    'run',
  );
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FilterQuery, MikroORM } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { containsText, findPageByText, findPageOfUnion, initOrm, NEWEST_FIRST, SPARSE_TEXT_MATCHES } from '../src';

@Entity({ tableName: 'ticket' })
@Index({ properties: ['createdAt', 'id'] })
@Index({ properties: ['owner', 'createdAt'] })
@Index({ properties: ['status', 'createdAt'] })
class Ticket {
  @PrimaryKey({ type: 'string' }) id!: string;
  @Property({ type: 'string' }) owner!: string;
  @Property({ type: 'string' }) status!: string;
  @Property({ type: 'string' }) title!: string;
  @Property({ type: Date }) createdAt!: Date;
}

/**
 * The list helpers must give exactly the pages and totals of the plain query they replace
 * (ORDER BY created_at DESC, id DESC with LIMIT/OFFSET), whichever path they take; ties on
 * created_at included.
 */
describe('newest-first paging helpers', () => {
  let orm: MikroORM;
  const plain = async (where: FilterQuery<Ticket>, offset: number, limit: number) => {
    const [items, total] = await orm.em.fork().findAndCount(Ticket, where, { orderBy: NEWEST_FIRST, offset, limit });
    return { ids: items.map((t) => t.id), total };
  };

  beforeAll(async () => {
    orm = await initOrm({ service: 'paging', entities: [Ticket], db: { DB_DRIVER: 'sqlite', DB_NAME: join(mkdtempSync(join(tmpdir(), 'crm-paging-')), 'p.sqlite') } });
    await orm.schema.create();
    const em = orm.em.fork();
    for (let i = 0; i < 1500; i++) {
      em.create(Ticket, {
        id: `t${String((i * 7919) % 1500).padStart(5, '0')}`,
        owner: `u${i % 7}`,
        status: ['open', 'done', 'held'][i % 3],
        // Every third row shares its timestamp with the previous one: ties are ordered by id.
        createdAt: new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 3) * 60_000 * 2 + (i % 3 === 2 ? 0 : (i % 3) * 60_000)),
        title: i % 100 === 0 ? `rare ${i}` : `common ${i}`,
      });
    }
    await em.flush();
  });

  afterAll(() => orm.close(true));

  it('pages a union of conditions exactly as the OR query does', async () => {
    const branches: FilterQuery<Ticket>[] = [{ status: 'held' }, { owner: 'u3' }, { owner: 'u5', status: 'done' }];
    for (const [offset, limit] of [[0, 20], [20, 20], [480, 20], [700, 50], [5000, 20]]) {
      const expected = await plain({ $or: branches }, offset, limit);
      const page = await findPageOfUnion(orm.em.fork(), Ticket, branches, offset, limit);
      expect(page.map((t) => t.id)).toEqual(expected.ids);
    }
  });

  // Ticket has no @TextIndex: the path of a dialect without one (SQL Server) and of PostgreSQL, whose planner picks its trigram index.
  it('pages a text filter exactly as the plain query does, sparse or dense', async () => {
    for (const text of ['rare', 'common', 'nothing-matches']) {
      const where = { title: containsText(text) } as FilterQuery<Ticket>;
      for (const [offset, limit] of [[0, 20], [5, 3], [40, 20], [1400, 20]]) {
        const expected = await plain(where, offset, limit);
        const [items, total] = await findPageByText(orm.em.fork(), Ticket, [], { title: text }, offset, limit);
        expect({ text, offset, ids: items.map((t) => t.id), total }).toEqual({ text, offset, ids: expected.ids, total: expected.total });
      }
    }
    // Both paths were taken: 15 rare matches (keys), far more than the bound of common ones (ordered walk).
    expect((await plain({ title: containsText('rare') } as FilterQuery<Ticket>, 0, 1)).total).toBeLessThan(SPARSE_TEXT_MATCHES);
    expect((await plain({ title: containsText('common') } as FilterQuery<Ticket>, 0, 1)).total).toBeGreaterThan(SPARSE_TEXT_MATCHES);
  });
});

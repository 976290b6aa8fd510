import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FilterQuery, MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import {
  type ContainsFilters,
  containsConditions,
  findPageByText,
  findPageOfUnion,
  FEW_INDEX_MATCHES,
  INDEXED_COUNT_LIMIT,
  initOrm,
  MAX_PREFIX_TERMS,
  matchTextIndex,
  NEWEST_FIRST,
  pendingSchemaDiff,
  SPARSE_TEXT_MATCHES,
  sparseTextMatches,
  TextIndex,
  textIndexDdl,
  textIndexDrift,
} from '../src';
import { schemaMigrationDiff } from '../src/migrations/schema-sync';

@Entity({ tableName: 'listing' })
@Index({ properties: ['createdAt', 'id'] })
@Index({ properties: ['owner', 'createdAt'] })
@TextIndex({ properties: ['title', 'note'] })
class Listing {
  @PrimaryKey({ type: 'string', length: 36 }) id!: string;
  @Property({ type: 'string', length: 20 }) owner!: string;
  @Property({ type: 'string', length: 200 }) title!: string;
  @Property({ type: 'string', length: 100, nullable: true }) note!: string | null;
  /** Filterable by "contains" but not in the text index: its filter is left to LIKE alone. */
  @Property({ type: 'string', length: 50 }) city!: string;
  @Property({ type: Date }) createdAt!: Date;
}

const CITIES = ['上海', '北京', '杭州', '哈尔滨', '乌鲁木齐'];
const INDUSTRIES = ['科技', '机械', '贸易', '软件'];
const ROWS = 6000;

/** Titles a user may meet: CJK company names, mixed-case ASCII, LIKE and FTS5 metacharacters, quotes, 1–2 characters. */
function title(i: number): string {
  if (i % 97 === 0) return ['100% 纯棉', '50%_off sale', "O'Brien & Co", 'Say "hi" [x]', 'a!b?c', 'ab', '科', '技有', 'AbC', 'x'][(i / 97) % 10];
  // 400 distinct trigrams starting with "q": a 1-character query expanding beyond MAX_PREFIX_TERMS.
  if (i % 13 === 0) return `q${'abcdefghijklmnopqrst'[i % 20]}${'abcdefghijklmnopqrst'[Math.floor(i / 20) % 20]} Acme Widgets`;
  return `${CITIES[i % CITIES.length]}${INDUSTRIES[i % INDUSTRIES.length]}有限公司 ${i}`;
}

function listing(i: number): Listing {
  return {
    id: `l${String((i * 7919) % 100_000).padStart(6, '0')}`,
    owner: `u${i % 7}`,
    title: title(i),
    note: i % 5 === 0 ? null : i % 11 === 0 ? 'VIP 客户' : `备注 ${i % 50}`,
    city: CITIES[i % 3],
    // Every third row shares its timestamp with the previous one: ties are ordered by id.
    createdAt: new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 3) * 120_000 + (i % 3 === 2 ? 0 : (i % 3) * 60_000)),
  };
}

/** What each query must equal: the plain LIKE query, ordered newest first, with LIMIT/OFFSET and its count. */
async function plain(orm: MikroORM, filters: FilterQuery<Listing>[], contains: ContainsFilters, offset: number, limit: number) {
  const where = { $and: [...filters, ...containsConditions<Listing>(contains)] };
  const [items, total] = await orm.em.fork().findAndCount(Listing, where, { orderBy: NEWEST_FIRST, offset, limit });
  return { ids: items.map((l) => l.id), total };
}

async function expectSameAsPlain(orm: MikroORM, filters: FilterQuery<Listing>[], contains: ContainsFilters, pages: [number, number][] = [[0, 20], [20, 20], [490, 20], [5000, 20]]) {
  for (const [offset, limit] of pages) {
    const expected = await plain(orm, filters, contains, offset, limit);
    const [items, total] = await findPageByText(orm.em.fork(), Listing, filters, contains, offset, limit);
    expect({ contains, filters, offset, ids: items.map((l) => l.id), total }).toEqual({ contains, filters, offset, ...expected });
  }
}

const QUERIES = [
  // 1 and 2 characters (SQLite: prefixes of trigrams), CJK and ASCII in either case
  '科', '州', '技', '上海', '科技', '技有', '有限', 'ab', 'AB', 'x', 'q', '1', '12', '%', '_', "'", '"', '!', '[', '?', 'zz', '鑫',
  // 3 and more (SQLite: trigram phrases)
  '哈尔滨', '有限公司', '技有限', '公司 1', '公司 123', '公司 5999', 'acme', 'ACME wid', 'abc', '100%', '0%_', '50%_off', "o'brien", '"hi"', '[x]', 'a!b?c', '乌鲁木齐科技', 'nothing here',
];

function describeTextSearch(dialect: 'sqlite' | 'postgresql', open: () => Promise<MikroORM>, close: (orm: MikroORM) => Promise<void>) {
  describe(`text search on ${dialect}: the same pages and totals as the plain LIKE query`, () => {
    let orm: MikroORM;
    beforeAll(async () => {
      orm = await open();
      const em = orm.em.fork();
      for (let i = 0; i < ROWS; i++) em.create(Listing, listing(i));
      await em.flush();
      if (dialect === 'postgresql') await orm.em.getConnection().execute(`analyze "${orm.config.get('schema')}"."listing"`);
    });
    afterAll(() => close(orm));

    it('for 1-, 2-, 3- and longer queries, CJK, ASCII in any case, %, _, quotes, brackets', async () => {
      for (const text of QUERIES) await expectSameAsPlain(orm, [], { title: text });
    });

    it('with other filters, on a nullable column, and with several text filters at once', async () => {
      for (const text of ['科技', '哈尔滨', '有限公司', '公司 12', 'acme', 'x']) {
        await expectSameAsPlain(orm, [{ owner: 'u3' }], { title: text });
      }
      for (const note of ['VIP', 'vip 客', '备注 4', '注', 'null']) await expectSameAsPlain(orm, [], { note });
      await expectSameAsPlain(orm, [{ owner: { $ne: 'u2' } }], { note: '备注' });
      await expectSameAsPlain(orm, [], { title: '有限公司', note: '备注 1' });
      await expectSameAsPlain(orm, [{ owner: { $ne: 'u1' } }], { title: '科技', note: 'VIP' });
      // A filter the index does not hold (city) is left to its LIKE, the others still use the index.
      await expectSameAsPlain(orm, [], { title: '公司 1', city: '杭州' });
      await expectSameAsPlain(orm, [], { title: '有限', city: '上' });
    });

    it('finds rows inserted, updated and deleted after the index was built', async () => {
      const em = orm.em.fork();
      em.create(Listing, { ...listing(ROWS), title: '新疆新材料有限公司 Zeta', note: 'Fresh' });
      em.create(Listing, { ...listing(ROWS + 1), title: '疆新', note: null });
      em.create(Listing, { ...listing(ROWS + 2), title: 'Ephemeral 临时', note: 'Gone' });
      await em.flush();
      const renamed = await em.findOneOrFail(Listing, { title: title(1) });
      renamed.title = '重命名 Omega';
      renamed.note = null;
      const noted = await em.findOneOrFail(Listing, { title: title(2) });
      noted.note = 'now noted';
      await em.flush();
      await em.nativeDelete(Listing, { title: { $in: [title(7), 'Ephemeral 临时'] } });

      for (const text of ['新疆新材料', 'Zeta', '疆新', '疆', 'Omega', '重命名', title(1), title(7), '司 7', '新材', 'Ephemeral', '临时', '临']) {
        await expectSameAsPlain(orm, [], { title: text }, [[0, 20]]);
      }
      for (const note of ['Fresh', 'now noted', 'noted', 'Gone']) await expectSameAsPlain(orm, [], { note }, [[0, 20]]);
      const total = async (contains: ContainsFilters) => (await findPageByText(orm.em.fork(), Listing, [], contains, 0, 20))[1];
      expect([await total({ title: 'Zeta' }), await total({ title: '疆新' }), await total({ title: 'Omega' }), await total({ note: 'now noted' })]).toEqual([1, 2, 1, 1]);
      expect([await total({ title: 'Ephemeral' }), await total({ title: '临时' }), await total({ title: '临' }), await total({ note: 'Gone' })]).toEqual([0, 0, 0, 0]);
    });

    it('pages a manager-style union narrowed to sparse text matches exactly as the OR query does', async () => {
      const contains = { title: '公司 12' };
      const narrowed = await sparseTextMatches(orm.em.fork(), Listing, contains);
      expect(narrowed === undefined).toBe(dialect !== 'sqlite');
      const filters = [...containsConditions<Listing>(contains), ...(narrowed ? [narrowed] : [])];
      const branches: FilterQuery<Listing>[] = [{ owner: 'u1' }, { owner: 'u4' }].map((b) => ({ $and: [...filters, b] }));
      for (const [offset, limit] of [[0, 5], [5, 5], [20, 20]]) {
        const expected = await plain(orm, [{ owner: { $in: ['u1', 'u4'] } }], contains, offset, limit);
        const page = await findPageOfUnion(orm.em.fork(), Listing, branches, offset, limit);
        expect(page.map((l) => l.id)).toEqual(expected.ids);
        expect(await orm.em.fork().count(Listing, { $or: branches })).toBe(expected.total);
      }
    });

    if (dialect === 'sqlite') describeSqliteIndexUse(() => orm);
    else describePostgresIndexUse(() => orm);
  });
}

function describeSqliteIndexUse(orm: () => MikroORM) {
  const em = () => orm().em.fork() as unknown as SqlEntityManager;
  const execute = (sql: string, params: unknown[] = []) => em().execute(sql, params) as Promise<Record<string, string>[]>;

  it('takes each path: few matches sorted, dense ones counted by the index or its rows, wide prefixes left to LIKE', async () => {
    // (every path gave the plain query's pages and totals above)
    const fork = orm().em.fork();
    const matches = async (contains: ContainsFilters) => (await matchTextIndex(fork, Listing, contains))?.count();
    expect(await matches({ title: '公司 12' })).toBeLessThanOrEqual(SPARSE_TEXT_MATCHES);
    expect(await matches({ title: '科技' })).toBeGreaterThan(SPARSE_TEXT_MATCHES);
    expect(await matches({ title: '科技' })).toBeLessThanOrEqual(FEW_INDEX_MATCHES);
    expect(await matches({ note: '备注' })).toBeGreaterThan(FEW_INDEX_MATCHES);
    expect(await matches({ note: '备注' })).toBeLessThanOrEqual(INDEXED_COUNT_LIMIT);
    expect(await matches({ title: '有限公司' })).toBeGreaterThan(INDEXED_COUNT_LIMIT);
    expect(await matches({ title: 'qa' })).toBeGreaterThan(0);
    // "q" begins 400 different trigrams: more than an OR of MAX_PREFIX_TERMS is worth, so no index match.
    expect(MAX_PREFIX_TERMS).toBeLessThan(400);
    expect(await matchTextIndex(fork, Listing, { title: 'q' })).toBeUndefined();
    expect(await matches({ title: 'zz' })).toBe(0);
  });

  it('reads the FTS5 table: emptied, the index finds nothing the LIKE would; rebuilt, it finds all again', async () => {
    const rare = { title: '公司 123' };
    expect((await findPageByText(orm().em.fork(), Listing, [], rare, 0, 20))[1]).toBeGreaterThan(0);
    await execute(`insert into listing_fts (listing_fts) values ('delete-all')`);
    try {
      expect((await findPageByText(orm().em.fork(), Listing, [], rare, 0, 20))[1]).toBe(0);
      expect((await plain(orm(), [], rare, 0, 20)).total).toBeGreaterThan(0);
    } finally {
      await execute(`insert into listing_fts (listing_fts) values ('rebuild')`);
    }
    await expectSameAsPlain(orm(), [], rare);
  });

  it('the query plans: the index is searched for matches, the sparse page starts from those rows, not the listing or its order', async () => {
    const contains = { title: '公司 123' };
    const index = (await matchTextIndex(orm().em.fork(), Listing, contains))!;
    const matchPlan = (await execute(`explain query plan select rowid from listing_fts where listing_fts match ?`, ['{"title"} : "公司 123"'])).map((row) => row.detail);
    expect(matchPlan).toEqual([expect.stringMatching(/^SCAN listing_fts VIRTUAL TABLE INDEX \d+:M/)]);
    const few = (await index.few(SPARSE_TEXT_MATCHES))!;
    expect(few.count).toBe((await plain(orm(), [], contains, 0, 1)).total);
    const page = em()
      .createQueryBuilder(Listing)
      .select('*')
      .where({ $and: [...containsConditions<Listing>(contains), few.condition] } as never)
      .orderBy(NEWEST_FIRST)
      .limit(20)
      .getFormattedQuery();
    const plan = (await execute(`explain query plan ${page}`)).map((row) => row.detail);
    expect(plan).toEqual(expect.arrayContaining([expect.stringMatching(/^SEARCH \w+ USING INTEGER PRIMARY KEY \(rowid=\?\)$/)]));
    expect(plan.filter((detail) => /^SCAN (l0|listing)\b/.test(detail))).toEqual([]);
  });

  it('the schema diff leaves the FTS5 table, its view and its triggers alone, going up and coming down', async () => {
    expect(await pendingSchemaDiff(orm())).toBe('');
    // A generated migration's down() once re-created the triggers (as new-row inserts) after its own changes.
    const { up, down } = await schemaMigrationDiff(orm());
    expect(`${up}\n${down}`).not.toMatch(/trigger/i);
  });

  it('reports what a database lacks of the declared index (the diff cannot see it)', async () => {
    expect(await textIndexDrift(orm())).toEqual([]);
    const bare = await initOrm({ service: 'drift', entities: [Listing], db: { DB_DRIVER: 'sqlite', DB_NAME: ':memory:' } });
    try {
      await bare.schema.create();
      expect(await textIndexDrift(bare)).toEqual(['Listing: no FTS5 table listing_fts']);
      const [view, fts] = textIndexDdl('sqlite', { table: 'listing', columns: ['title'] }).up;
      for (const statement of [view, fts]) await bare.em.getConnection().execute(statement);
      expect(await textIndexDrift(bare)).toEqual([
        'Listing: listing_fts holds (title), @TextIndex declares (title, note)',
        'Listing: no table listing_fts_terms',
        'Listing: no trigger listing_fts_insert',
        'Listing: no trigger listing_fts_update',
        'Listing: no trigger listing_fts_delete',
      ]);
    } finally {
      await bare.close(true);
    }
  });
}

function describePostgresIndexUse(orm: () => MikroORM) {
  it('the trigram index serves a rare LIKE (Bitmap Index Scan), and the schema diff keeps it', async () => {
    const em = orm().em.fork() as unknown as SqlEntityManager;
    const sql = em.createQueryBuilder(Listing).select(['id', 'createdAt']).where({ $and: containsConditions<Listing>({ title: '公司 123' }) } as never).limit(SPARSE_TEXT_MATCHES + 1).getFormattedQuery();
    // A table this small is cheaper to read whole; with sequential scans priced out the plan shows
    // whether the index can serve the LIKE at all (the benchmark shows the planner choosing it at 100,000 rows).
    const plan = await em.transactional(async (tx) => {
      const connection = tx.getConnection();
      await connection.execute('set local enable_seqscan = off', [], 'run', tx.getTransactionContext());
      return connection.execute<Record<string, string>[]>(`explain ${sql}`, [], 'all', tx.getTransactionContext());
    });
    expect(plan.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n')).toMatch(/Bitmap Index Scan on listing_title_trgm_idx/);
    expect(await pendingSchemaDiff(orm())).toBe('');
  });
}

describeTextSearch(
  'sqlite',
  async () => {
    const orm = await initOrm({ service: 'texts', entities: [Listing], db: { DB_DRIVER: 'sqlite', DB_NAME: join(mkdtempSync(join(tmpdir(), 'crm-text-')), 't.sqlite') } });
    await orm.schema.create();
    for (const statement of textIndexDdl('sqlite', { table: 'listing', columns: ['title', 'note'] }).up) await orm.em.getConnection().execute(statement);
    return orm;
  },
  (orm) => orm.close(true),
);

const pgSchema = `texts_${process.env.CRM_TEST_RUN_ID ?? 'local'}_${randomBytes(2).toString('hex')}`;
describeTextSearch(
  'postgresql',
  async () => {
    const orm = await initOrm({ service: 'texts', entities: [Listing], db: { DB_DRIVER: 'postgresql', DB_URL: process.env.CRM_TEST_PG_URL, DB_SCHEMA: pgSchema } });
    await orm.em.transactional(async (em) => {
      await em.getConnection().execute(`select pg_advisory_xact_lock(hashtext('crm: create extension pg_trgm'))`, [], 'all', em.getTransactionContext());
      await em.getConnection().execute('create extension if not exists pg_trgm', [], 'run', em.getTransactionContext());
    });
    // The entity's @TextIndex reaches the PostgreSQL metadata as trigram indexes: creating the schema from it makes them.
    await orm.schema.create();
    return orm;
  },
  async (orm) => {
    await orm.em.getConnection().execute(`drop schema if exists "${pgSchema}" cascade`);
    await orm.close(true);
  },
);

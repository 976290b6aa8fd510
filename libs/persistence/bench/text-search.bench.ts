import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityClass, FilterQuery, MikroORM } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { type DatabaseSettings, findPageByText, initOrm, TextIndex, textIndexDdl } from '../src';

/**
 * The list query with a "contains" filter at BENCH_ROWS (100,000) companies, before (no text
 * index: the sparse-keys scan, what the services did until now) and after (the text index), per
 * request, one at a time: figures only. The same rows go into two tables that differ only in the
 * index; both carry the indexes the customer list has (order, status, a covering name index).
 *   NODE_OPTIONS=--experimental-vm-modules npx jest -c libs/persistence/bench/jest.config.js
 * BENCH_DIALECTS=sqlite,postgresql (default both), BENCH_ROWS, BENCH_ITERATIONS.
 */
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 30);
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgresql').split(',');

@Entity({ tableName: 'company_plain' })
@Index({ properties: ['createdAt', 'id'] })
@Index({ properties: ['status', 'createdAt'] })
@Index({ properties: ['name', 'status', 'createdAt', 'id'] })
class PlainCompany {
  @PrimaryKey({ type: 'string', length: 36 }) id!: string;
  @Property({ type: 'string', length: 100 }) name!: string;
  @Property({ type: 'string', length: 20 }) status!: string;
  @Property({ type: Date }) createdAt!: Date;
}

@Entity({ tableName: 'company' })
@Index({ properties: ['createdAt', 'id'] })
@Index({ properties: ['status', 'createdAt'] })
@Index({ properties: ['name', 'status', 'createdAt', 'id'] })
@TextIndex({ properties: ['name'] })
class Company {
  @PrimaryKey({ type: 'string', length: 36 }) id!: string;
  @Property({ type: 'string', length: 100 }) name!: string;
  @Property({ type: 'string', length: 20 }) status!: string;
  @Property({ type: Date }) createdAt!: Date;
}

const CITIES = ['上海', '北京', '天津', '重庆', '杭州', '苏州', '南京', '宁波', '无锡', '合肥', '广州', '深圳', '东莞', '佛山', '厦门', '福州', '青岛', '济南', '郑州', '武汉', '长沙', '南昌', '成都', '西安', '昆明', '贵阳', '沈阳', '大连', '长春', '哈尔滨', '石家庄', '太原', '兰州', '乌鲁木齐', '南宁', '海口', '香港', '澳门'];
const INDUSTRIES = ['机械', '电气', '化工', '物流', '科技', '贸易', '建材', '食品', '医药', '纺织', '汽车配件', '电子', '软件', '能源', '环保', '包装', '印刷', '家具', '钢铁', '塑料', '仪器仪表', '新材料', '农业', '通信', '重工'];

/** Names like the customer seed's (a city, an industry, 有限公司, a number); every 500th has a rare 鑫源. */
function company(n: number) {
  const city = CITIES[(n * 7) % CITIES.length];
  const industry = INDUSTRIES[(n * 11) % INDUSTRIES.length];
  return {
    id: `c${String(n).padStart(8, '0')}`,
    name: `${city}${n % 500 === 0 ? '鑫源' : ''}${industry}有限公司 ${n + 1}`,
    status: n % 50 === 0 ? 'deleted' : 'normal',
    createdAt: new Date(Date.UTC(2025, 0, 1) + n * 60_000),
  };
}

const QUERIES: [string, string][] = [
  ['1 char, rare', '鑫'],
  ['1 char, common', '海'],
  ['2 chars, rare', '鑫源'],
  ['2 chars, common (a city)', '上海'],
  ['3 chars, rare', '鑫源机'],
  ['3 chars, common (a city)', '哈尔滨'],
  ['4+ chars, one match', `有限公司 ${Math.floor(ROWS * 0.54321)}`],
  ['4+ chars, rare (~11)', `司 ${Math.floor(ROWS * 0.05432)}`],
  ['4+ chars, common', '科技有限'],
  ['4+ chars, every row', '有限公司'],
];

async function timed(run: () => Promise<[unknown[], number]>): Promise<{ p50: number; p95: number; total: number }> {
  let total = (await run())[1];
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const started = performance.now();
    total = (await run())[1];
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], p95: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))], total };
}

const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;

async function seed(orm: MikroORM, entity: EntityClass<object>): Promise<number> {
  const started = performance.now();
  for (let from = 0; from < ROWS; from += 2000) {
    const rows = Array.from({ length: Math.min(2000, ROWS - from) }, (_, i) => company(from + i));
    await orm.em.fork().insertMany(entity, rows);
  }
  return (ROWS / (performance.now() - started)) * 1000;
}

async function measure(dialect: string, orm: MikroORM, insertRate: { plain: number; indexed: number }) {
  const lines = [
    `${dialect}, ${ROWS} companies (inserts: ${insertRate.plain.toFixed(0)} rows/s without the text index, ${insertRate.indexed.toFixed(0)} rows/s with it); p50 / p95 of ${ITERATIONS} requests, page 1 of 20:`,
    `| query | text | matches | no other filter: before | after | status <> deleted: before | after |`,
    `|---|---|---|---|---|---|---|`,
  ];
  for (const [label, text] of QUERIES) {
    const cells: string[] = [];
    let matches = 0;
    for (const filters of [[], [{ status: { $ne: 'deleted' } }]] as FilterQuery<object>[][]) {
      const before = await timed(() => findPageByText(orm.em.fork(), PlainCompany, filters as FilterQuery<PlainCompany>[], { name: text }, 0, 20));
      const after = await timed(() => findPageByText(orm.em.fork(), Company, filters as FilterQuery<Company>[], { name: text }, 0, 20));
      expect(after.total).toBe(before.total);
      if (filters.length === 0) matches = after.total;
      cells.push(`${ms(before.p50)} / ${ms(before.p95)}`, `**${ms(after.p50)}** / ${ms(after.p95)}`);
    }
    lines.push(`| ${label} | ${text} | ${matches} | ${cells.join(' | ')} |`);
  }
  console.log(lines.join('\n'));
}

async function benchSqlite() {
  const dir = mkdtempSync(join(tmpdir(), 'crm-text-bench-'));
  const orm = await initOrm({ service: 'bench', entities: [PlainCompany, Company], db: { DB_DRIVER: 'sqlite', DB_NAME: join(dir, 'bench.sqlite') } });
  try {
    await orm.em.getConnection().execute('pragma journal_mode = WAL');
    await orm.schema.create();
    for (const statement of textIndexDdl('sqlite', { table: 'company', columns: ['name'] }).up) await orm.em.getConnection().execute(statement);
    const insertRate = { plain: await seed(orm, PlainCompany), indexed: await seed(orm, Company) };
    await measure('SQLite', orm, insertRate);
  } finally {
    await orm.close(true);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres() {
  const schema = `text_bench_${randomBytes(3).toString('hex')}`;
  const db: DatabaseSettings = { DB_DRIVER: 'postgresql', DB_URL: process.env.CRM_TEST_PG_URL, DB_SCHEMA: schema };
  const orm = await initOrm({ service: 'bench', entities: [PlainCompany, Company], db });
  try {
    await orm.em.getConnection().execute('create extension if not exists pg_trgm');
    // The trigram index comes from Company's @TextIndex through the PostgreSQL metadata.
    await orm.schema.create();
    const insertRate = { plain: await seed(orm, PlainCompany), indexed: await seed(orm, Company) };
    // Steady state: statistics, and the GIN index's pending list (fast updates) merged, as autovacuum would.
    await orm.em.getConnection().execute(`vacuum analyze "${schema}"."company_plain"`);
    await orm.em.getConnection().execute(`vacuum analyze "${schema}"."company"`);
    await measure('PostgreSQL', orm, insertRate);
  } finally {
    await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
    await orm.close(true);
  }
}

describe('"contains" filters with and without a text index', () => {
  (DIALECTS.includes('sqlite') ? it : it.skip)('SQLite', benchSqlite);
  (DIALECTS.includes('postgresql') ? it : it.skip)('PostgreSQL', benchPostgres);
});

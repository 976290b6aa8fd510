import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { parse } from 'csv-parse/sync';
import { uniqueName } from '@crm/testing';
import {
  createSalesDatabase,
  customerActivityPlan,
  DEMO_CUSTOMER_LEVELS,
  demoCustomers,
  demoCustomersCsv,
  generateSalesData,
  parseCents,
  rowsPerStatement,
  SalesOrder,
  SalesOrderLine,
  SalesProduct,
  salesDdl,
  salesNames,
  salesOrmOptions,
  SalesStorage,
  type SalesDatabaseTarget,
  type SalesDataOptions,
  type SalesNames,
  type SalesOrderBatch,
} from '../src';

const TODAY = '2026-03-31';
const customerNos = (count: number) => Array.from({ length: count }, (_, i) => `KH20250101${String(i + 1).padStart(4, '0')}`);
const OPTIONS: SalesDataOptions = { seed: 'sales-test', customerNos: customerNos(400), orders: 4000, today: TODAY };

/** A relation's key, or the plain key column's value. */
const idOf = (value: number | { id: number }) => (typeof value === 'number' ? value : value.id);

function allBatches(options: SalesDataOptions, batchSize?: number): SalesOrderBatch {
  const all: SalesOrderBatch = { orders: [], lines: [] };
  for (const batch of generateSalesData(options).orderBatches(batchSize)) {
    all.orders.push(...batch.orders);
    all.lines.push(...batch.lines);
  }
  return all;
}

describe('the generated sales data', () => {
  const data = generateSalesData(OPTIONS);
  const { orders, lines } = allBatches(OPTIONS, 333);
  const linesOf = new Map<number, typeof lines>();
  for (const line of lines) linesOf.set(line.order, [...(linesOf.get(line.order) ?? []), line]);

  it('is the same for the same options, whatever the batch size, and different for another seed', () => {
    const again = generateSalesData(OPTIONS);
    expect(again.products).toEqual(data.products);
    expect(again.storage).toEqual(data.storage);
    expect(allBatches(OPTIONS, 1000)).toEqual({ orders, lines });

    const other = generateSalesData({ ...OPTIONS, seed: 'another seed' });
    expect(other.products).not.toEqual(data.products);
    expect(allBatches({ ...OPTIONS, seed: 'another seed' }).orders).not.toEqual(orders);
    expect(other.plan.neverOrdered).not.toEqual(data.plan.neverOrdered);
  });

  it('has exactly the orders asked for, numbered in date order within the last four years', () => {
    expect(orders).toHaveLength(4000);
    expect(orders.map((order) => order.id)).toEqual(Array.from({ length: 4000 }, (_, i) => i + 1));
    expect(lines.map((line) => line.id)).toEqual(Array.from({ length: lines.length }, (_, i) => i + 1));
    const dates = orders.map((order) => order.date);
    expect([...dates].sort()).toEqual(dates);
    expect(dates[0] >= data.plan.firstDate && dates[dates.length - 1] <= TODAY).toBe(true);
    expect(data.plan.firstDate).toBe('2022-04-01');
    expect(data.plan.cutoff).toBe('2025-09-30');
  });

  it('has orders in every status 1–6, mostly shipped or paid, and the recent ones more often still under way', () => {
    const count = (list: typeof orders, status: number) => list.filter((order) => order.status === status).length;
    for (const status of [1, 2, 3, 4, 5, 6]) expect(count(orders, status)).toBeGreaterThan(0);
    expect(count(orders, 5) + count(orders, 6)).toBeGreaterThan(orders.length * 0.8);
    const recent = orders.filter((order) => order.date >= '2026-03-01');
    const old = orders.filter((order) => order.date < '2025-01-01');
    const open = (list: typeof orders) => list.filter((order) => order.status <= 4).length / list.length;
    expect(open(recent)).toBeGreaterThan(open(old) * 5);
  });

  it('gives every order 1–6 lines of distinct products, each amount its count × unit price', () => {
    const products = new Map(data.products.map((product) => [product.id, product]));
    const sizes = new Set(orders.map((order) => linesOf.get(order.id)?.length ?? 0));
    expect([...sizes].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const repeated = orders.filter((order) => new Set(linesOf.get(order.id)!.map((line) => line.product)).size !== linesOf.get(order.id)!.length);
    expect(repeated).toEqual([]);
    const wrong = lines.filter((line) => {
      const product = products.get(line.product)!;
      const price = parseCents(line.price);
      return (
        !/^\d+\.\d{2}$/.test(line.price) ||
        parseCents(line.amount) !== line.count * price ||
        line.count < 1 ||
        line.unit !== product.unit ||
        price > parseCents(product.price)
      );
    });
    expect(wrong).toEqual([]);
  });

  it('follows the activity plan: the never-ordered have no order, the stale none in the last six months, the active a shipped one', () => {
    const plan = customerActivityPlan(OPTIONS);
    expect(plan).toEqual(data.plan);
    expect(plan.neverOrdered).toHaveLength(40);
    expect(plan.stale).toHaveLength(60);
    expect(plan.active).toHaveLength(300);
    const byCustomer = new Map<string, typeof orders>();
    for (const order of orders) byCustomer.set(order.customerNo, [...(byCustomer.get(order.customerNo) ?? []), order]);
    for (const customerNo of plan.neverOrdered) expect(byCustomer.get(customerNo)).toBeUndefined();
    // Six months before 2026-03-31, counted any way, is no earlier than 2025-09-28.
    for (const customerNo of plan.stale) {
      const own = byCustomer.get(customerNo)!;
      expect(own.every((order) => order.date < '2025-09-16')).toBe(true);
      expect(own.some((order) => order.status >= 5)).toBe(true);
    }
    for (const customerNo of plan.active) {
      expect(byCustomer.get(customerNo)!.some((order) => order.date >= '2025-10-14' && order.status >= 5)).toBe(true);
    }
    expect(byCustomer.size).toBe(360);
  });

  it('refuses too few orders for the plan rather than break it', () => {
    expect(() => generateSalesData({ ...OPTIONS, orders: 200 })).toThrow(/too few/);
  });

  it('has about 200 products of distinct name, model and batch, each stored in one to three of 5 warehouses', () => {
    expect(data.products).toHaveLength(200);
    expect(new Set(data.products.map((p) => `${p.name}|${p.model}|${p.batch}`)).size).toBe(200);
    expect(new Set(data.products.map((p) => p.unit))).toEqual(new Set(['台', '件', '箱', '套']));
    for (const product of data.products) expect(product.price).toMatch(/^\d+\.\d{2}$/);
    expect(new Set(data.storage.map((s) => s.warehouse)).size).toBe(5);
    for (const row of data.storage) expect(row.location).toMatch(/^[A-E]-\d{2}-\d{2}$/);
    const places = new Map<number, number>();
    for (const row of data.storage) places.set(row.product, (places.get(row.product) ?? 0) + 1);
    expect(places.size).toBe(200);
    expect([...places.values()].every((n) => n >= 1 && n <= 3)).toBe(true);
  });
});

describe('the demo customers', () => {
  const REGIONS = ['北京', '天津', '上海', '重庆', '华北', '东北', '华东', '华中', '华南', '西南', '西北', '港澳台', '海外'];
  const rows = demoCustomers({ seed: 1, count: 100_000, managers: ['manager1', 'manager2', 'manager3'] });

  it('are 100,000 complete customers with unique names and licence numbers, the same ones for the same seed', () => {
    expect(new Set(rows.map((row) => row.name)).size).toBe(100_000);
    expect(new Set(rows.map((row) => row.licenceNo)).size).toBe(100_000);
    expect(demoCustomers({ seed: 1, count: 50, managers: ['manager1', 'manager2', 'manager3'] })).toEqual(rows.slice(0, 50));
    expect(demoCustomers({ seed: 2, count: 50, managers: ['manager1'] })[0].name).not.toBe(rows[0].name);
    expect(new Set(rows.map((row) => row.region))).toEqual(new Set(REGIONS));
    expect(new Set(rows.map((row) => row.level))).toEqual(new Set(DEMO_CUSTOMER_LEVELS));
    expect(rows.slice(0, 4).map((row) => row.manager)).toEqual(['manager1', 'manager2', 'manager3', 'manager1']);
    for (const row of rows.slice(0, 2000)) {
      for (const field of ['name', 'address', 'legalPerson', 'bank', 'bankAccount', 'localTaxNo', 'nationalTaxNo'] as const) expect(row[field]).toBeTruthy();
      expect(row.name.length).toBeLessThanOrEqual(100);
      expect(row.zip).toMatch(/^\d{6}$/);
      expect(row.phone).toMatch(/^[0-9+()\-\s]{3,50}$/);
      expect(row.licenceNo).toMatch(/^\d{15}$/);
      expect(row.satisfaction >= 1 && row.satisfaction <= 5 && row.credit >= 1 && row.credit <= 5).toBe(true);
      expect(Number.isInteger(row.registeredCapital)).toBe(true);
    }
  });

  it('write a CSV that parses back to the same rows under the customer service’s English headers', () => {
    const csv = demoCustomersCsv([...rows.slice(0, 3), { ...rows[3], name: '上海"精工",机械\n有限公司' }, ...rows.slice(4, 1000)]);
    const records = parse(csv, { bom: true }) as string[][];
    expect(records[0]).toEqual([
      'Name', 'Region', 'Manager', 'Level', 'Satisfaction', 'Credit', 'Address', 'Zip', 'Phone', 'Fax', 'Website',
      'Licence No', 'Legal person', 'Registered capital', 'Annual turnover', 'Bank', 'Bank account', 'Local tax No', 'National tax No',
    ]);
    expect(records).toHaveLength(1001);
    expect(records[4][0]).toBe('上海"精工",机械\n有限公司');
    const first = Object.fromEntries(records[0].map((header, i) => [header, records[1][i]]));
    expect(first).toMatchObject({ Name: rows[0].name, Region: rows[0].region, Zip: rows[0].zip, Satisfaction: String(rows[0].satisfaction), 'Licence No': rows[0].licenceNo });
    expect(first.Fax).toBe(rows[0].fax ?? '');
  });
});

describe('the DDL', () => {
  it('names everything as configured, quoted for SQL Server, and batches inserts within its 2,100 parameters', () => {
    const names = salesNames({ orders: { table: 'odr', customerNo: 'odr_customer' } });
    const ddl = salesDdl('mssql', names, 'sales').join('\n');
    expect(ddl).toContain('create table [sales].[odr]');
    expect(ddl).toContain('[odr_customer] nvarchar(20) not null');
    expect(ddl).toContain('[id] int identity(1,1) not null primary key');
    expect(ddl).toContain('create index [odr_odr_customer_status_date_id_idx] on [sales].[odr] ([odr_customer], [status], [date], [id])');
    expect(rowsPerStatement('mssql', 7) * 7).toBeLessThanOrEqual(2100);
  });
});

const RENAMED: SalesNames = salesNames({
  product: { table: 'prd', name: 'prd_name' },
  orders: { table: 'odr', id: 'odr_no', customerNo: 'odr_customer', date: 'odr_date' },
  orderLine: { table: 'odr_item', order: 'odr_no', price: 'unit_price' },
});

const DATABASES: [string, () => SalesDatabaseTarget][] = [
  ['SQLite', () => ({ driver: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'crm-sales-system-')), 'sales.sqlite') })],
  // Its own schema on the shared server, dropped afterwards.
  ['PostgreSQL', () => ({ driver: 'postgresql', url: process.env.CRM_TEST_PG_URL!, schema: uniqueName('sales').replace(/[^a-z0-9]/g, '_') })],
];

describe.each(DATABASES)('a sales database made on %s', (_driver, targetFor) => {
  describe.each([
    ['the spec’s names', salesNames()],
    ['other names', RENAMED],
  ])('with %s', (_label, names) => {
    const target = targetFor();
    const options: SalesDataOptions = { seed: 42, customerNos: customerNos(200), orders: 1500, today: TODAY, products: 60, warehouses: 3 };
    const expected = generateSalesData(options);
    const { orders, lines } = allBatches(options);
    let orm: MikroORM;

    beforeAll(async () => {
      const created = await createSalesDatabase(target, names, { ...options, batchSize: 400 });
      expect(created.written).toEqual({ products: 60, storage: expected.storage.length, orders: 1500, lines: lines.length });
      expect(created.plan).toEqual(expected.plan);
      orm = await MikroORM.init(salesOrmOptions(target, names));
    });

    afterAll(async () => {
      if (target.driver === 'postgresql') await orm?.em.getConnection().execute(`drop schema if exists "${target.schema}" cascade`);
      await orm?.close(true);
      if (target.driver === 'sqlite') rmSync(join(target.file, '..'), { recursive: true, force: true });
    });

    it('reads back every row through salesEntities, dates as YYYY-MM-DD strings and money as decimals', async () => {
      const em = orm.em.fork();
      expect(await em.count(SalesProduct)).toBe(60);
      expect(await em.count(SalesStorage)).toBe(expected.storage.length);
      expect(await em.count(SalesOrder)).toBe(1500);
      expect(await em.count(SalesOrderLine)).toBe(lines.length);

      const order = orders[1234];
      const read = await em.findOneOrFail(SalesOrder, order.id);
      expect({ ...read }).toEqual(order);
      const readLines = await em.find(SalesOrderLine, { order: order.id }, { orderBy: { id: 'asc' } });
      const want = lines.filter((line) => line.order === order.id);
      expect(readLines.map((line) => [line.id, idOf(line.product), line.count, line.unit])).toEqual(want.map((line) => [line.id, line.product, line.count, line.unit]));
      // PostgreSQL keeps the scale ('12.50'); SQLite keeps the number ('12.5', '100').
      expect(readLines.map((line) => Number(line.price).toFixed(2))).toEqual(want.map((line) => line.price));
      if (target.driver === 'postgresql') expect(readLines.map((line) => line.price)).toEqual(want.map((line) => line.price));

      const product = await em.findOneOrFail(SalesProduct, 7);
      expect({ ...product, price: Number(product.price).toFixed(2) }).toEqual(expected.products[6]);
      const stock = await em.find(SalesStorage, { product: 7 }, { orderBy: { id: 'asc' } });
      expect(stock.map((row) => ({ ...row, product: idOf(row.product) }))).toEqual(expected.storage.filter((row) => row.product === 7));
    });

    it('answers the order history’s query: a customer’s shipped and paid orders, newest first', async () => {
      const customerNo = expected.plan.active[0];
      const history = await orm.em.fork().find(SalesOrder, { customerNo, status: { $in: [5, 6] } }, { orderBy: { date: 'desc', id: 'desc' } });
      const want = orders.filter((o) => o.customerNo === customerNo && o.status >= 5).sort((a, b) => b.date.localeCompare(a.date) || b.id - a.id);
      expect(history.map((o) => [o.id, o.date, o.status])).toEqual(want.map((o) => [o.id, o.date, o.status]));
      expect(await orm.em.fork().count(SalesOrder, { customerNo: expected.plan.neverOrdered[0] })).toBe(0);
    });

    it('writes nothing the second time, and leaves no partial file behind', async () => {
      const again = await createSalesDatabase(target, names, options);
      expect(again.written).toBeNull();
      expect(await orm.em.fork().count(SalesOrder)).toBe(1500);
      if (target.driver === 'sqlite') {
        expect(existsSync(target.file)).toBe(true);
        expect(readdirSync(join(target.file, '..'))).toEqual(['sales.sqlite']);
      }
    });

    it('leaves the next order number to the database after the generated ones', async () => {
      const o = names.orders;
      const q = (name: string) => `"${name}"`;
      const table = target.driver === 'postgresql' ? `${q(target.schema)}.${q(o.table)}` : q(o.table);
      const connection = orm.em.getConnection();
      await connection.execute(`insert into ${table} (${q(o.customerNo)}, ${q(o.date)}, ${q(o.status)}) values (?, ?, ?)`, ['KH202603310001', TODAY, 1]);
      const [row] = await connection.execute(`select max(${q(o.id)}) as id from ${table}`);
      expect(Number(row.id)).toBe(1501);
    });
  });
});

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { uniqueName } from '@crm/testing';
import type { DatabaseSettings } from '@crm/persistence';
import { ImportJob, ImportJobDto, ParsedRow, readRows, writeXlsx, XLSX_CONTENT_TYPE } from '../src';
import { Gadget, GADGET_COLUMNS, gadgetKnobs, GadgetsApp, startGadgetsApp } from './fixtures/gadgets-app';

const CSV = 'text/csv';

function post(app: GadgetsApp, body: Buffer | string, query: string, contentType = CSV) {
  return fetch(`${app.url}/imports?${query}`, { method: 'POST', headers: { 'content-type': contentType }, body });
}

async function poll(app: GadgetsApp, id: string): Promise<ImportJobDto> {
  return (await fetch(`${app.url}/imports/${id}`)).json() as Promise<ImportJobDto>;
}

async function until(app: GadgetsApp, id: string, done: (job: ImportJobDto) => boolean): Promise<ImportJobDto> {
  for (let i = 0; i < 1200; i++) {
    const job = await poll(app, id);
    if (done(job)) return job;
    await delay(25);
  }
  throw new Error(`job ${id} never got there`);
}

const scenarios: [string, () => DatabaseSettings | undefined][] = [
  ['SQLite', () => ({ DB_DRIVER: 'sqlite', DB_NAME: join(mkdtempSync(join(tmpdir(), 'crm-dx-db-')), 'gadgets.sqlite') })],
  ['PostgreSQL', () => (process.env.CRM_TEST_PG_URL ? { DB_DRIVER: 'postgresql', DB_URL: process.env.CRM_TEST_PG_URL, DB_SCHEMA: uniqueName('dx').replace(/[^a-z0-9]/g, '_') } : undefined)],
];

describe.each(scenarios)('import jobs on %s', (_name, database) => {
  const db = database();
  const uploads = mkdtempSync(join(tmpdir(), 'crm-dx-uploads-'));
  let app: GadgetsApp;
  const gadgets = () => app.orm.em.fork().count(Gadget, {});

  beforeAll(async () => {
    if (!db) return;
    app = await startGadgetsApp(db, { uploadDir: uploads, maxUploadBytes: 2 * 1024 * 1024, answerWithinMs: 1_000, batchSize: 500, heartbeatMs: 200, staleAfterMs: 5_000 });
  });
  afterEach(async () => {
    gadgetKnobs.validateDelayMs = 0;
    gadgetKnobs.failOnName = undefined;
    gadgetKnobs.takenWhileImporting = undefined;
    await app?.orm.em.fork().nativeDelete(Gadget, {});
  });
  afterAll(async () => {
    if (db?.DB_DRIVER === 'postgresql') await app?.orm.em.getConnection().execute(`drop schema if exists "${db.DB_SCHEMA}" cascade`);
    await app?.app.close();
    if (db?.DB_DRIVER === 'sqlite') rmSync(join(db.DB_NAME!, '..'), { recursive: true, force: true });
    rmSync(uploads, { recursive: true, force: true });
  });

  const itWithDb = db ? it : it.skip;

  itWithDb('all-or-nothing: one bad row and nothing is written; the report says why, field by field', async () => {
    const csv = '编号 / Code,名称 / Name,数量 / Quantity\nG-1,叉车,3\nG-2,,-1\n\nG-3,托盘,x\nG-4,货架,7\n';
    const response = await post(app, csv, 'fileName=gadgets.csv');
    expect(response.status).toBe(201);
    const job = (await response.json()) as ImportJobDto;
    expect(job).toMatchObject({
      status: 'rejected',
      finished: true,
      mode: 'all-or-nothing',
      fileName: 'gadgets.csv',
      createdBy: { id: 'u-1', name: '测试 Tester' },
      rowsRead: 4,
      counts: { valid: 2, created: 0, updated: 0, rejected: 2, duplicates: 0 },
      error: null,
    });
    expect(job.report!.items).toEqual([
      { row: 3, outcome: 'rejected', key: 'G-2', errors: [{ field: 'name', message: 'should not be empty' }, { field: 'qty', message: 'must be a whole number ≥ 0' }] },
      { row: 5, outcome: 'rejected', key: 'G-3', errors: [{ field: 'qty', message: 'must be a whole number ≥ 0' }] },
    ]);
    expect(await gadgets()).toBe(0);
    expect(await poll(app, job.id)).toEqual(job);
  });

  itWithDb('valid-only: the good rows are written, the bad ones reported; existing keys update, same names are duplicates', async () => {
    await app.orm.em.fork().insert(Gadget, { code: 'G-9', name: '旧名', qty: 1 });
    await app.orm.em.fork().insert(Gadget, { code: 'G-8', name: '吊车', qty: 1 });
    const csv = 'Code,Name,Quantity\nG-1,叉车,3\nG-2,,1\nG-9,新名,5\nG-5,吊车,2\nG-6,叉车,1\n';
    const job = (await (await post(app, csv, 'fileName=g.csv&mode=valid-only')).json()) as ImportJobDto;
    expect(job).toMatchObject({ status: 'completed', mode: 'valid-only', counts: { valid: 2, created: 1, updated: 1, rejected: 1, duplicates: 2 } });
    expect(job.report).toEqual({
      truncated: false,
      limit: 1000,
      items: [
        { row: 2, outcome: 'created', key: 'G-1', id: 'G-1' },
        { row: 3, outcome: 'rejected', errors: [{ field: 'name', message: 'should not be empty' }], key: 'G-2' },
        { row: 4, outcome: 'updated', key: 'G-9', id: 'G-9' },
        { row: 5, outcome: 'duplicate', key: 'G-5', id: 'G-8', errors: [{ field: 'name', message: 'G-8 already has this name' }] },
        { row: 6, outcome: 'duplicate', key: 'G-6', errors: [{ field: 'code', message: 'same as row 2' }] },
      ],
    });
    const stored = await app.orm.em.fork().find(Gadget, {}, { orderBy: { code: 'asc' } });
    expect(stored.map((g) => [g.code, g.name, g.qty])).toEqual([
      ['G-1', '叉车', 3],
      ['G-8', '吊车', 1],
      ['G-9', '新名', 5],
    ]);
  });

  itWithDb('imports an .xlsx upload sent as octet-stream, with the bilingual template header', async () => {
    const template = Buffer.from(await (await fetch(`${app.url}/imports/template`)).arrayBuffer());
    expect(await readAllRows(template)).toEqual([]);
    const chunks: Buffer[] = [];
    const out = new PassThrough().on('data', (chunk: Buffer) => chunks.push(chunk));
    await writeXlsx(out, GADGET_COLUMNS, (async function* () {
      yield { code: 'X-1', name: '华东', qty: 4 };
      yield { code: 'X-2', name: '华北', qty: 0 };
    })());
    const job = (await (await post(app, Buffer.concat(chunks), 'fileName=%E7%89%A9%E5%93%81.xlsx', 'application/octet-stream')).json()) as ImportJobDto;
    expect(job).toMatchObject({ status: 'completed', fileName: '物品.xlsx', counts: { created: 2 } });
    expect(await gadgets()).toBe(2);
  });

  itWithDb('a 20,000-row CSV runs as a job: the upload answers while it runs, rowsRead grows, then it completes', async () => {
    gadgetKnobs.validateDelayMs = 30; // 40 batches: long enough to watch
    const lines = ['Code,Name,Quantity', ...Array.from({ length: 20_000 }, (_, i) => `B-${i},批量物品${i},${i % 50}`)];
    const response = await post(app, lines.join('\n'), 'fileName=big.csv');
    expect(response.status).toBe(201);
    const started = (await response.json()) as ImportJobDto;
    expect(started).toMatchObject({ finished: false, status: 'validating' });

    const seen = new Set<number>([started.rowsRead]);
    const done = await until(app, started.id, (job) => {
      if (job.status === 'validating') seen.add(job.rowsRead);
      return job.finished;
    });
    expect([...seen].some((rows) => rows > 0 && rows < 20_000)).toBe(true);
    expect([...seen]).toEqual([...seen].sort((a, b) => a - b));
    expect(done).toMatchObject({ status: 'completed', rowsRead: 20_000, rowsImported: 20_000, counts: { valid: 20_000, created: 20_000, rejected: 0 } });
    expect(done.report).toMatchObject({ truncated: false, limit: 1000 });
    expect(done.report!.items).toHaveLength(1000);
    expect(await gadgets()).toBe(20_000);
  });

  itWithDb('imports a 10,000-row .xlsx (the rate is printed, not asserted)', async () => {
    const chunks: Buffer[] = [];
    const out = new PassThrough().on('data', (chunk: Buffer) => chunks.push(chunk));
    await writeXlsx(out, GADGET_COLUMNS, (async function* () {
      for (let i = 0; i < 10_000; i++) yield { code: `R-${i}`, name: `华东机械有限公司${i}`, qty: i };
    })());
    const started = Date.now();
    const response = await post(app, Buffer.concat(chunks), 'fileName=rate.xlsx', XLSX_CONTENT_TYPE);
    const job = await until(app, ((await response.json()) as ImportJobDto).id, (j) => j.finished);
    const seconds = (Date.now() - started) / 1000;
    console.log(`[data-exchange] ${_name}: 10,000-row .xlsx imported in ${seconds.toFixed(2)} s (${Math.round(10_000 / seconds)} rows/s, both passes, in jest)`);
    expect(job).toMatchObject({ status: 'completed', counts: { created: 10_000 } });
  });

  itWithDb('a failure while importing rolls back every batch already flushed: the job failed, nothing is written', async () => {
    gadgetKnobs.failOnName = 'name-1100';
    const lines = ['Code,Name', ...Array.from({ length: 1_200 }, (_, i) => `F-${i},name-${i}`)];
    const job = (await (await post(app, lines.join('\n'), 'fileName=f.csv')).json()) as ImportJobDto;
    const done = await until(app, job.id, (j) => j.finished);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'IMPORT.FAILED', message: expect.stringContaining('nothing was written') } });
    expect(await gadgets()).toBe(0);
  });

  itWithDb('all-or-nothing: a row refused only while importing (the database changed) rolls everything back', async () => {
    gadgetKnobs.takenWhileImporting = 'name-700';
    const lines = ['Code,Name', ...Array.from({ length: 800 }, (_, i) => `T-${i},name-${i}`)];
    const job = await until(app, ((await (await post(app, lines.join('\n'), 'fileName=t.csv')).json()) as ImportJobDto).id, (j) => j.finished);
    expect(job).toMatchObject({ status: 'rejected', counts: { valid: 799, created: 0, rejected: 1 }, error: null });
    expect(job.report!.items).toEqual([{ row: 702, outcome: 'rejected', key: 'T-700', errors: [{ field: 'name', message: 'was just taken' }] }]);
    expect(await gadgets()).toBe(0);
  });

  itWithDb('refuses a file too large (413), a bad header and garbage (400) as problem+json, creating no job', async () => {
    const before = await app.orm.em.fork().count(ImportJob, {});
    const big = await post(app, 'Code,Name\n' + 'x,y\n'.repeat(600_000), 'fileName=big.csv');
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toContain('application/problem+json');
    expect(await big.json()).toMatchObject({ status: 413, code: 'IMPORT.FILE_TOO_LARGE' });

    const header = await post(app, 'Code,Colour\nx,red\n', 'fileName=h.csv');
    expect(header.status).toBe(400);
    expect(await header.json()).toMatchObject({ code: 'IMPORT.UNKNOWN_COLUMN', errors: [{ field: 'B1', message: 'unknown column "Colour"' }] });

    const garbage = await post(app, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), 'fileName=g.xlsx', XLSX_CONTENT_TYPE);
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ code: 'IMPORT.UNREADABLE_FILE' });

    const noName = await post(app, 'Code,Name\n', '');
    expect(await noName.json()).toMatchObject({ status: 400, code: 'VALIDATION.FAILED' });

    const json = await fetch(`${app.url}/imports?fileName=x.csv`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await json.json()).toMatchObject({ status: 400, code: 'IMPORT.NOT_AN_UPLOAD' });
    // Only the header-check job was created (the header is checked once the file is stored).
    expect(await app.orm.em.fork().count(ImportJob, {})).toBe(before + 1);
  });

  itWithDb('leaves raw uploads to their handler but still guards JSON bodies', async () => {
    const raw = await fetch(`${app.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'a\u0000b' });
    expect(await raw.json()).toEqual({ type: 'object' });
    const json = await fetch(`${app.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"\\u0000"}' });
    expect(await json.json()).toMatchObject({ status: 400, code: 'VALIDATION.FAILED', errors: [{ field: 'a' }] });
  });

  itWithDb('reports a running job whose replica stopped (no heartbeat) as failed; a live one stays running', async () => {
    const em = app.orm.em.fork();
    const orphan = new ImportJob({ id: `orphan-${Date.now()}`, kind: 'gadgets', mode: 'all-or-nothing', fileName: 'o.csv', fileSize: 1, createdById: 'u-1', createdByName: 'T', owner: 'gone:1:abc' });
    orphan.status = 'importing';
    orphan.heartbeatAt = new Date(Date.now() - 60_000);
    const alive = new ImportJob({ id: `alive-${Date.now()}`, kind: 'gadgets', mode: 'all-or-nothing', fileName: 'a.csv', fileSize: 1, createdById: 'u-1', createdByName: 'T', owner: 'other:2:def' });
    alive.status = 'validating';
    await em.persist([orphan, alive]).flush();

    expect(await poll(app, orphan.id)).toMatchObject({ status: 'failed', finished: true, error: { code: 'IMPORT.OWNER_STOPPED', message: expect.stringContaining('nothing was written') } });
    expect(await poll(app, alive.id)).toMatchObject({ status: 'validating', finished: false });
    expect((await fetch(`${app.url}/imports/nope`)).status).toBe(404);
    const listed = await app.imports.list('gadgets', { pageSize: 100 });
    expect(listed.total).toBeGreaterThanOrEqual(2);
    expect(listed.items.find((job) => job.id === orphan.id)).toMatchObject({ status: 'failed' });
    expect(listed.items.map((job) => job.createdAt)).toEqual([...listed.items.map((job) => job.createdAt)].sort().reverse());
  });

  itWithDb('a replica that stops mid-import rolls it back and records why', async () => {
    const other = await startGadgetsApp(db!, { uploadDir: uploads, answerWithinMs: 100 }, { createSchema: false });
    let started: ImportJobDto;
    try {
      gadgetKnobs.validateDelayMs = 200;
      const lines = ['Code,Name', ...Array.from({ length: 5_000 }, (_, i) => `S-${i},stop-${i}`)];
      started = (await (await post(other, lines.join('\n'), 'fileName=s.csv')).json()) as ImportJobDto;
      expect(started.finished).toBe(false);
    } finally {
      await other.app.close();
    }
    expect(await poll(app, started.id)).toMatchObject({ status: 'failed', error: { code: 'IMPORT.INTERRUPTED', message: expect.stringContaining('nothing was written') } });
    expect(await gadgets()).toBe(0);
  });

  itWithDb('exports as a streamed .xlsx that reads back', async () => {
    await app.orm.em.fork().insertMany(Gadget, Array.from({ length: 450 }, (_, i) => ({ code: `E-${String(i).padStart(3, '0')}`, name: `导出${i}`, qty: i })));
    const response = await fetch(`${app.url}/export`);
    expect(response.headers.get('content-type')).toBe(XLSX_CONTENT_TYPE);
    expect(response.headers.get('content-disposition')).toContain("filename*=UTF-8''%E7%89%A9%E5%93%81.xlsx");
    const rows = await readAllRows(Buffer.from(await response.arrayBuffer()));
    expect(rows).toHaveLength(450);
    expect(rows[449]).toEqual({ rowNumber: 451, values: { code: 'E-449', name: '导出449', qty: '449' } });
  });

  itWithDb('removes every uploaded file once its job is done', async () => {
    await delay(100);
    expect(readdirSync(uploads)).toEqual([]);
  });
});

async function readAllRows(bytes: Buffer): Promise<ParsedRow[]> {
  const rows: ParsedRow[] = [];
  for await (const row of readRows(Readable.from([bytes]), GADGET_COLUMNS, { fileName: 'x.xlsx' })) rows.push(row);
  return rows;
}

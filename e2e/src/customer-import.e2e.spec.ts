import ExcelJS from 'exceljs';
import { testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { ApiClient, RunningSystem, startCrm } from './support/crm-system';

const CSV = 'text/csv';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADER = '客户名称 / Name,地区 / Region,客户经理 / Manager,客户等级 / Level,客户满意度,客户信用度,地址,邮政编码,电话,法人,开户银行,银行帐号,地税登记号,国税登记号,营业执照注册号';

/** One CSV line of a complete new customer (the header above). */
const line = (name: string, overrides: Partial<Record<'region' | 'manager' | 'satisfaction' | 'licence', string>> = {}) =>
  [name, overrides.region ?? '华东', overrides.manager ?? 'manager1', '大客户', overrides.satisfaction ?? '4', '5', '上海市', '200120', '021-5555 0101', '王总', '工商银行', '6222', 'L-1', 'N-1', overrides.licence ?? uniqueName('LIC')].join(',');

/**
 * Customers in and out of spreadsheets through the gateway: the bilingual template, imports with
 * a per-row report (all-or-nothing and valid-only, probable duplicates, updates by number, a
 * large file as a polled job) and the streamed export — which imports again without duplicating.
 */
describe('customer import and export end to end', () => {
  jest.setTimeout(120_000);
  let system: RunningSystem;
  let api: ApiClient;

  const upload = async (login: 'supervisor' | 'admin' | 'manager1', body: Buffer | string, fileName: string, contentType = CSV, mode?: string) => {
    const query = `fileName=${encodeURIComponent(fileName)}${mode ? `&mode=${mode}` : ''}`;
    const response = await api.file(login, 'POST', `/customers/imports?${query}`, { body, contentType });
    return { status: response.status, headers: response.headers, body: response.json };
  };
  /** The finished job: follows a 202 (a file still running) to its end. */
  const uploadAndWait = async (...args: Parameters<typeof upload>) => {
    const started = await upload(...args);
    if (started.status !== 202) return started;
    let job = started.body;
    await waitUntil(async () => (job = (await api.call(args[0], 'GET', `/customers/imports/${job.id}`)).body).finished, 60_000);
    return { ...started, status: 200, body: job };
  };
  const download = async (path: string) => api.file('supervisor', 'GET', path);
  const sheetRows = async (file: Buffer) => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
    const rows: unknown[][] = [];
    workbook.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return rows;
  };
  const named = async (prefix: string) => (await api.call('supervisor', 'GET', `/customers?pageSize=100&name=${encodeURIComponent(prefix)}`)).body;

  beforeAll(async () => {
    // A file still running after half a second is answered 202, so the large file is polled.
    system = await startCrm({ amqpUrl: testAmqpUrl(), exchange: uniqueName('crm.events.e2e-import'), env: { RATE_LIMIT_MAX: '10000', IMPORT_ANSWER_WITHIN_MS: '500' } });
    api = new ApiClient(system);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  });

  it('serves the template with bilingual headers to admins and supervisors only', async () => {
    const template = await download('/customers/import-template');
    expect(template.status).toBe(200);
    expect(template.headers.get('content-type')).toBe(XLSX);
    expect(template.headers.get('content-disposition')).toContain("filename*=UTF-8''");
    const [header] = await sheetRows(template.body);
    expect(header).toEqual(expect.arrayContaining([expect.stringMatching(/客户名称.*Name/), expect.stringMatching(/地区.*Region/), expect.stringMatching(/客户编号.*Customer No/)]));
    expect((await api.call('manager1', 'GET', '/customers/import-template')).status).toBe(403);
  });

  it('rejects a file with bad rows as a whole, with a report field by field, and writes nothing', async () => {
    const tag = uniqueName('全有全无');
    const csv = [HEADER, line(`${tag}-甲`), line(`${tag}-乙`, { region: '火星', satisfaction: '9' }), line(`${tag}-甲`), line(`${tag}-丙`, { manager: 'executive' })].join('\n');
    const job = await uploadAndWait('supervisor', csv, 'customers.csv');
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ status: 'rejected', finished: true, counts: { valid: 1, created: 0, rejected: 2, duplicates: 1 } });
    const byRow = Object.fromEntries(job.body.report.items.map((item: { row: number }) => [item.row, item]));
    expect(byRow[3]).toMatchObject({ outcome: 'rejected', key: `${tag}-乙` });
    expect(byRow[3].errors.map((e: { field: string }) => e.field).sort()).toEqual(['region', 'satisfaction']);
    expect(byRow[4]).toMatchObject({ outcome: 'duplicate', errors: [{ field: 'name', message: expect.stringContaining('row 2') }] });
    expect(byRow[5].errors).toEqual([{ field: 'manager', message: expect.any(String) }]);
    expect((await named(tag)).total).toBe(0);
  });

  it('imports only the valid rows when asked, reports probable duplicates of existing customers, and a second import creates nothing', async () => {
    const tag = uniqueName('仅有效');
    const licence = uniqueName('LIC');
    const existing = await api.call('manager1', 'POST', '/customers', {
      name: `${tag}-既有`, region: '华东', level: '大客户', satisfaction: 3, credit: 3, address: 'a', zip: '200120', phone: '021-1',
      legalPerson: 'p', bank: 'b', bankAccount: '1', localTaxNo: 'l', nationalTaxNo: 'n', licenceNo: licence,
    });
    expect(existing.status).toBe(201);
    const csv = [HEADER, line(`${tag}-甲`), line(`${tag}-乙`, { region: '火星' }), line(`${tag}-改名`, { licence }), line(`${tag}-既有`), line(`${tag}-丁`, { manager: 'manager2' })].join('\n');
    const first = await uploadAndWait('admin', csv, 'customers.csv', CSV, 'valid-only');
    expect(first.body).toMatchObject({ status: 'completed', counts: { created: 2, rejected: 1, duplicates: 2 } });
    const duplicates = first.body.report.items.filter((item: { outcome: string }) => item.outcome === 'duplicate');
    expect(duplicates.map((d: { id: string }) => d.id)).toEqual([existing.body.id, existing.body.id]);
    const created = (await named(tag)).items;
    expect(created.map((c: { name: string }) => c.name).sort()).toEqual([`${tag}-丁`, `${tag}-既有`, `${tag}-甲`].sort());
    expect(created.find((c: { name: string }) => c.name === `${tag}-丁`).manager.name).toBeTruthy();
    expect(created.every((c: { customerNo: string; complete: boolean }) => /^KH\d{12,}$/.test(c.customerNo) && c.complete)).toBe(true);

    const again = await uploadAndWait('admin', csv, 'customers.csv', CSV, 'valid-only');
    expect(again.body).toMatchObject({ status: 'completed', counts: { created: 0, duplicates: 4, rejected: 1 } });
    expect((await named(tag)).total).toBe(3);
  });

  it('updates customers named by number, leaving blank cells alone, and refuses unknown numbers', async () => {
    const tag = uniqueName('按编号更新');
    await uploadAndWait('supervisor', [HEADER, line(`${tag}-甲`)].join('\n'), 'c.csv');
    const customer = (await named(tag)).items[0];
    const csv = ['客户编号,电话 / Phone,客户信用度', `${customer.customerNo},021-9999 9999,`, `${customer.customerNo.toLowerCase()},021-8888 8888,2`, 'KH190001010001,021-1,1'].join('\n');
    const job = await uploadAndWait('supervisor', csv, 'update.csv', CSV, 'valid-only');
    expect(job.status).toBe(200);
    expect(job.body.counts).toMatchObject({ updated: 1, duplicates: 1, rejected: 1 });
    const after = (await api.call('supervisor', 'GET', `/customers/${customer.id}`)).body;
    expect(after).toMatchObject({ phone: '021-9999 9999', credit: 5, version: 2, name: customer.name });
  });

  it('reads .xlsx as well, and refuses files that are not spreadsheets, or bodies that are not files, with 400 problems', async () => {
    const tag = uniqueName('表格');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('x');
    sheet.addRow(HEADER.split(','));
    sheet.addRow(line(`${tag}-甲`).split(','));
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    const job = await uploadAndWait('supervisor', xlsx, '客户.xlsx', XLSX);
    expect(job.body).toMatchObject({ status: 'completed', counts: { created: 1 } });

    const garbage = await upload('supervisor', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'x.xlsx', XLSX);
    expect(garbage.status).toBe(400);
    expect(garbage.body.code).toMatch(/^IMPORT\./);
    const unknownColumn = await upload('supervisor', 'Name,Shoe size\nA,42', 'x.csv');
    expect(unknownColumn.status).toBe(400);
    expect(unknownColumn.body.code).toBe('IMPORT.UNKNOWN_COLUMN');
    const json = await api.call('supervisor', 'POST', '/customers/imports?fileName=x.csv', { name: 'x' });
    expect(json.status).toBe(400);
    expect(json.headers.get('content-type')).toContain('application/problem+json');
  });

  it('lets only admins and supervisors import', async () => {
    const response = await upload('manager1', [HEADER, line(uniqueName('经理'))].join('\n'), 'c.csv');
    expect(response.status).toBe(403);
  });

  it('runs a large file as a job that a client polls, with its progress, and writes every row', async () => {
    const tag = uniqueName('大文件');
    // Licence numbers by row: 10,000 random suffixes would collide (a true duplicate) about 2 % of the time.
    const rows = Array.from({ length: 10_000 }, (_, index) => line(`${tag}-${index}`, { licence: `${tag}-L${index}` }));
    const started = await upload('supervisor', [HEADER, ...rows].join('\n'), 'big.csv');
    expect(started.status).toBe(202);
    expect(started.body.finished).toBe(false);
    const location = started.headers.get('location')!;
    expect(location).toBe(`/api/v1/customers/imports/${started.body.id}`);
    const seen: number[] = [];
    let job = started.body;
    await waitUntil(
      async () => {
        job = (await api.call('supervisor', 'GET', location.replace('/api/v1', ''))).body;
        seen.push(job.rowsRead + job.rowsImported);
        return job.finished;
      },
      90_000,
      () => `job still ${job.status} at ${job.rowsRead}/${job.rowsImported}`,
    );
    expect(job).toMatchObject({ status: 'completed', counts: { created: 10_000, rejected: 0, duplicates: 0 } });
    // Progress a client can follow: the 202 showed the job part-way, and it never went backwards.
    // (How many steps a poll catches depends on the machine's speed; the library's own test
    // watches rowsRead grow through a 20,000-row file.)
    expect(started.body.rowsRead + started.body.rowsImported).toBeLessThan(20_000);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect((await api.call('supervisor', 'GET', `/customers?pageSize=1&name=${encodeURIComponent(tag)}`)).body.total).toBe(10_000);
  });

  it('exports the filtered list as a streamed .xlsx that imports again as updates, creating nothing', async () => {
    const tag = uniqueName('导出');
    await uploadAndWait('supervisor', [HEADER, line(`${tag}-甲`), line(`${tag}-乙`, { manager: 'manager2' })].join('\n'), 'c.csv');
    const exported = await download(`/customers/export?name=${encodeURIComponent(tag)}`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe(XLSX);
    const rows = await sheetRows(exported.body);
    expect(rows).toHaveLength(3);
    expect(rows.slice(1).map((row) => row[1]).sort()).toEqual([`${tag}-甲`, `${tag}-乙`].sort());
    const reimport = await uploadAndWait('supervisor', exported.body, 'export.xlsx', XLSX);
    expect(reimport.body).toMatchObject({ status: 'completed', counts: { created: 0, updated: 2, rejected: 0 } });
    expect((await named(tag)).total).toBe(2);
  });
});

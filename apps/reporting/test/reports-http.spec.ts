import ExcelJS from 'exceljs';
import { ChurnReport } from '../src/churn/churn-report';
import { ContributionReport, FEW_NAMED } from '../src/contribution/contribution-report';
import { REPORTING_TEST_DATABASES, type ReportingApp, startReportingApp, type UserName } from './support/reporting-app';
import { buildScenario } from './support/scenario';
import { expectedChurn, expectedComposition, expectedContribution, expectedServices, SalesWorld } from './support/sales-world';

const REPORTS = ['/reports/contribution', '/reports/composition?by=level', '/reports/services', '/reports/churn'];
const EXPORTS = ['/reports/contribution/export', '/reports/composition/export?by=level', '/reports/services/export', '/reports/churn/export'];

/** A downloaded workbook's first sheet: its name, its header row and its data rows, as cell values. */
async function workbook(body: Buffer) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(body as unknown as ArrayBuffer);
  const sheet = book.worksheets[0];
  const rows: unknown[][] = [];
  // row.values is sparse (index 0 and empty cells are holes): every column, empty ones as null.
  sheet.eachRow((row) => rows.push(Array.from({ length: sheet.columnCount }, (_, index) => (row.values as unknown[])[index + 1] ?? null)));
  return { name: sheet.name, header: rows[0], rows: rows.slice(1) };
}

/**
 * The reports' HTTP surface on the service itself: who may read and rebuild, what a bad filter
 * answers, and the spreadsheets, which must hold exactly the rows of the JSON answers.
 */
describe.each(REPORTING_TEST_DATABASES)('report endpoints on %s', (_dialect, databaseFor) => {
  const scenario = buildScenario(200);
  const world = new SalesWorld();
  let service: ReportingApp;

  beforeAll(async () => {
    service = await startReportingApp(databaseFor());
    for (const round of scenario.rounds) await service.deliver(world.apply(round));
  });

  afterAll(async () => {
    await service?.close();
  });

  const status = async (user: UserName | null, method: 'GET' | 'POST', url: string) => (await service.call(user, method, url)).statusCode;

  it('lets supervisors and executives read every report and its export; managers and admins get 403, no token 401', async () => {
    for (const url of [...REPORTS, ...EXPORTS]) {
      const seen = { manager1: await status('manager1', 'GET', url), admin: await status('admin', 'GET', url), supervisor: await status('supervisor', 'GET', url), executive: await status('executive', 'GET', url), none: await status(null, 'GET', url) };
      expect({ url, ...seen }).toEqual({ url, manager1: 403, admin: 403, supervisor: 200, executive: 200, none: 401 });
    }
    const forbidden = await service.call('manager1', 'GET', '/reports/contribution');
    expect(forbidden.json()).toMatchObject({ status: 403, code: 'AUTH.FORBIDDEN' });
  });

  it('lets only admins rebuild', async () => {
    for (const user of ['supervisor', 'executive', 'manager1'] as const) expect({ user, status: await status(user, 'POST', '/reports/rebuild') }).toEqual({ user, status: 403 });
    expect(await status('admin', 'POST', '/reports/rebuild')).toBe(200);
  });

  it('answers 400 naming the field for a year that is not four digits from 1900 to 2999, a missing or unknown dimension, and unknown parameters', async () => {
    const fieldsOf = async (url: string) => {
      const response = await service.call('supervisor', 'GET', url);
      expect({ url, status: response.statusCode, code: response.json().code }).toEqual({ url, status: 400, code: 'VALIDATION.FAILED' });
      return [...new Set((response.json().errors as { field: string }[]).map((error) => error.field))];
    };
    for (const year of ['26', '02026', '1899', '3000', '2026.0', 'abc', '']) {
      expect(await fieldsOf(`/reports/contribution?year=${year}`)).toEqual(['year']);
      expect(await fieldsOf(`/reports/services?year=${year}`)).toEqual(['year']);
      expect(await fieldsOf(`/reports/contribution/export?year=${year}`)).toEqual(['year']);
    }
    expect(await fieldsOf('/reports/contribution?year=2025&year=2026')).toEqual(['year']);
    expect(await fieldsOf('/reports/composition')).toEqual(['by']);
    expect(await fieldsOf('/reports/composition?by=region')).toEqual(['by']);
    expect(await fieldsOf('/reports/composition/export')).toEqual(['by']);
    expect(await fieldsOf('/reports/contribution?sort=name')).toEqual(['sort']);
    expect(await fieldsOf('/reports/contribution/export?page=2')).toEqual(['page']);
    expect(await fieldsOf(`/reports/churn?customerName=${'名'.repeat(101)}`)).toEqual(['customerName']);
    expect(await fieldsOf('/reports/churn?pageSize=0')).toEqual(['pageSize']);
    for (const year of ['1900', '2999', '2026']) expect(await status('supervisor', 'GET', `/reports/contribution?year=${year}`)).toBe(200);
  });

  it('exports each report as .xlsx with bilingual headers and exactly the filtered rows of its JSON answer', async () => {
    const download = async (url: string) => {
      const response = await service.call('executive', 'GET', url);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('spreadsheetml');
      expect(response.headers['content-disposition']).toMatch(/^attachment; filename=".*\.xlsx"; filename\*=UTF-8''%E5%AE%A2%E6%88%B7/);
      return workbook(response.rawPayload);
    };
    const year = scenario.views.years.at(-2)!;
    const contribution = await download(`/reports/contribution/export?year=${year}`);
    expect(contribution.name).toBe('客户贡献分析 Contribution');
    expect(contribution.header).toEqual(['客户编号 / Customer No', '客户名称 / Customer name', '订单数 / Orders', '订单金额(元) / Total amount (CNY)']);
    expect(contribution.rows).toEqual(expectedContribution(world, { year }).map((row) => [row.customerNo, row.customerName, row.orderCount, row.totalAmount]));
    expect(contribution.rows.length).toBeGreaterThan(10);
    const name = scenario.views.customerNames[1];
    const named = await download(`/reports/contribution/export?customerName=${encodeURIComponent(name)}`);
    expect(named.rows).toEqual(expectedContribution(world, { customerName: name }).map((row) => [row.customerNo, row.customerName, row.orderCount, row.totalAmount]));

    const composition = await download('/reports/composition/export?by=credit');
    expect(composition.header).toEqual(['客户信用度 / Credit', '客户数 / Customers', '比例 / Share']);
    expect(composition.rows).toEqual(expectedComposition(world, 'credit').items.map((item) => [item.item ?? '未设置 / not set', item.count, item.share]));

    const services = await download(`/reports/services/export?year=${year}`);
    expect(services.header).toEqual(['服务类型 / Service type', '服务数量 / Tickets']);
    expect(services.rows).toEqual(expectedServices(world, year).items.map((item) => [item.type, item.count]));

    const churn = await download('/reports/churn/export?managerName=Manager');
    expect(churn.header).toEqual(['客户编号 / Customer No', '客户名称 / Customer name', '客户经理 / Manager', '上次下单日期 / Last order date', '预警时间 / Warned at', '暂缓措施 / Measures', '流失原因 / Reason', '确认流失时间 / Confirmed at']);
    expect(churn.rows).toEqual(
      expectedChurn(world, { managerName: 'Manager' }).map((record) => [
        record.customerNo,
        record.customerName,
        record.manager.name,
        record.lastOrderDate,
        record.warnedAt,
        record.measures.map((measure) => `${measure.at.slice(0, 10)} ${measure.measure} (${measure.by.name})`).join('\n'),
        record.reason,
        record.confirmedAt,
      ]),
    );
    expect(churn.rows.length).toBe(4);
  });

  it('streams an export a batch at a time by keyset, ties included, and stops at the row limit', async () => {
    const collect = async <T>(rows: AsyncIterable<T>) => {
      const all: T[] = [];
      for await (const row of rows) all.push(row);
      return all;
    };
    const em = service.orm.em.fork();
    const contribution = service.app.get(ContributionReport);
    expect(await collect(contribution.rows(em, {}, { batch: 3 }))).toEqual(expectedContribution(world));
    expect(await collect(contribution.rows(em, {}, { batch: 3, limit: 7 }))).toEqual(expectedContribution(world).slice(0, 7));
    // A name filter many customers match: the rank index walked with each row's name checked.
    const city = scenario.views.customerNames[1];
    contribution.fewNamed = 0;
    try {
      expect(await collect(contribution.rows(em, { customerName: city }, { batch: 2 }))).toEqual(expectedContribution(world, { customerName: city }));
    } finally {
      contribution.fewNamed = FEW_NAMED;
    }
    // Two records confirmed at the same moment: a batch of one must still give each once.
    expect(await collect(service.app.get(ChurnReport).rows(em, {}, { batch: 1 }))).toEqual(expectedChurn(world));
  });
});

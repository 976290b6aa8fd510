import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import * as ExcelJS from 'exceljs';
import {
  attachmentDisposition,
  ColumnSpec,
  ImportError,
  ParsedRow,
  readRows,
  readSpreadsheetFile,
  ReadRowsOptions,
  writeTemplate,
  writeXlsx,
} from '../src';

const COLUMNS: ColumnSpec[] = [
  { key: 'customerNo', zh: '客户编号', en: 'Customer No.', aliases: ['编号'] },
  { key: 'name', zh: '客户名称', en: 'Name', required: true, example: '华东机械有限公司' },
  { key: 'level', zh: '客户等级', en: 'Level', allowed: ['A', 'B', 'C'] },
  { key: 'founded', zh: '成立日期', en: 'Founded', note: 'YYYY-MM-DD' },
  { key: 'revenue', zh: '年营业额', en: 'Revenue' },
  { key: 'phone', zh: '电话', en: 'Phone' },
];

async function toBuffer(write: (output: PassThrough) => Promise<unknown>): Promise<Buffer> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  await write(output);
  return Buffer.concat(chunks);
}

async function* asRows(rows: Record<string, unknown>[]): AsyncGenerator<Record<string, unknown>> {
  yield* rows;
}

async function readAll(bytes: Buffer | string, options: ReadRowsOptions = {}, columns = COLUMNS): Promise<ParsedRow[]> {
  const rows: ParsedRow[] = [];
  for await (const row of readRows(Readable.from([Buffer.from(bytes)]), columns, options)) rows.push(row);
  return rows;
}

async function refusal(read: Promise<unknown>): Promise<ImportError> {
  try {
    await read;
  } catch (error) {
    expect(error).toBeInstanceOf(ImportError);
    return error as ImportError;
  }
  throw new Error('expected the file to be refused');
}

/** A workbook written with exceljs's ordinary (non-streaming) writer, as Excel-like files are. */
async function workbookBuffer(build: (workbook: ExcelJS.Workbook) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('spreadsheets: write with writeXlsx, read back with readRows', () => {
  it('round-trips an .xlsx: bilingual header, Chinese text, numbers as written, dates as YYYY-MM-DD, empty cells as null', async () => {
    const source = [
      { customerNo: 'C-001', name: ' 华东机械有限公司 ', level: 'A', founded: new Date(Date.UTC(2001, 4, 17)), revenue: 1234567.89, phone: '13800138000' },
      { customerNo: 'C-002', name: 'Acme "Tools", Ltd.', level: null, founded: undefined, revenue: 0.1 + 0.2, phone: null },
      { customerNo: 'C-003', name: '北方重工', level: 'B', founded: new Date(Date.UTC(1999, 11, 31)), revenue: 42, phone: '021-5555 0101' },
    ];
    const bytes = await toBuffer((output) => writeXlsx(output, COLUMNS, asRows(source), { sheetName: '客户 Customers' }));
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');

    const rows = await readAll(bytes, { fileName: 'customers.xlsx' });
    expect(rows).toEqual([
      { rowNumber: 2, values: { customerNo: 'C-001', name: '华东机械有限公司', level: 'A', founded: '2001-05-17', revenue: '1234567.89', phone: '13800138000' } },
      { rowNumber: 3, values: { customerNo: 'C-002', name: 'Acme "Tools", Ltd.', level: null, founded: null, revenue: '0.3', phone: null } },
      { rowNumber: 4, values: { customerNo: 'C-003', name: '北方重工', level: 'B', founded: '1999-12-31', revenue: '42', phone: '021-5555 0101' } },
    ]);

    // The header row is bilingual, frozen, and the columns have widths.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.name).toBe('客户 Customers');
    expect(sheet.getRow(1).getCell(2).value).toBe('客户名称 / Name');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getColumn(2).width).toBeGreaterThanOrEqual(10);
    expect(sheet.getCell('D2').numFmt).toBe('yyyy-mm-dd');
  });

  it('keeps every Chinese character intact across the reader’s chunk boundaries (exceljs decodes chunks one by one)', async () => {
    const source = Array.from({ length: 20_000 }, (_, i) => ({ customerNo: `C${i}`, name: `华东机械有限公司第${i}号分公司（上海）` }));
    const bytes = await toBuffer((output) => writeXlsx(output, COLUMNS, asRows(source)));
    const rows = await readAll(bytes);
    expect(rows).toHaveLength(20_000);
    const broken = rows.filter((row) => row.values.name !== `华东机械有限公司第${row.values.customerNo!.slice(1)}号分公司（上海）`);
    expect(broken.map((row) => row.values.name)).toEqual([]);
  });

  it('reads the first tab of a workbook Excel-style: formulas as their result, rich text as text, hyperlinks as text, date formats', async () => {
    const bytes = await workbookBuffer((workbook) => {
      const notes = workbook.addWorksheet('Notes');
      const data = workbook.addWorksheet('Data');
      notes.addRow(['ignore me']);
      // The data sheet is the first tab, though it is sheet2.xml in the archive.
      (data as unknown as { orderNo: number }).orderNo = 0;
      (notes as unknown as { orderNo: number }).orderNo = 1;
      data.addRow(['Customer No.', '客户名称', 'LEVEL', '成立日期 / Founded', 'Revenue', 'phone']);
      data.addRow([
        { formula: '"C-"&"7"', result: 'C-7' },
        { richText: [{ text: '华东', font: { bold: true } }, { text: '机械' }] },
        { text: 'A', hyperlink: 'https://example.com' },
        { formula: 'DATE(2020,2,29)', result: 43890 },
        { formula: '1+1', result: 2 },
        13800138000,
      ]);
      data.getCell('D2').numFmt = 'yyyy-mm-dd';
      data.addRow([null, '北方重工', null, new Date(Date.UTC(2021, 0, 2, 13, 30)), null, null]);
    });
    const rows = await readAll(bytes, { fileName: 'x.xlsx' });
    expect(rows).toEqual([
      { rowNumber: 2, values: { customerNo: 'C-7', name: '华东机械', level: 'A', founded: '2020-02-29', revenue: '2', phone: '13800138000' } },
      { rowNumber: 3, values: { customerNo: null, name: '北方重工', level: null, founded: '2021-01-02 13:30:00', revenue: null, phone: null } },
    ]);
  });

  it('reads a CSV in UTF-8 with or without a BOM, with quoted commas and line breaks, skipping blank rows but keeping row numbers', async () => {
    const csv = [
      '客户编号 / Customer No.,客户名称 / Name,Level',
      'C-001,"华东机械, 上海",A',
      '',
      ',,',
      '"C-002","Two',
      'lines",  B  ',
    ].join('\r\n');
    const expected = [
      { rowNumber: 2, values: expect.objectContaining({ customerNo: 'C-001', name: '华东机械, 上海', level: 'A', phone: null }) },
      { rowNumber: 5, values: expect.objectContaining({ customerNo: 'C-002', name: 'Two\r\nlines', level: 'B' }) },
    ];
    expect(await readAll(csv, { fileName: 'c.csv', contentType: 'text/csv' })).toEqual(expected);
    expect(await readAll(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]), { contentType: 'text/csv' })).toEqual(expected);
  });

  it('reads a CSV that Chinese Excel saved as GB18030, and one with semicolons', async () => {
    const gbk = Buffer.from([
      ...Buffer.from('Name,Level\r\n'),
      0xbb, 0xaa, 0xb6, 0xab, 0xbb, 0xfa, 0xd0, 0xb5, // 华东机械
      ...Buffer.from(',A\r\n'),
    ]);
    expect(await readAll(gbk, { fileName: 'gbk.csv' })).toEqual([{ rowNumber: 2, values: expect.objectContaining({ name: '华东机械', level: 'A' }) }]);
    expect(await readAll('Name;Level\n"Acme; Ltd";B\n', { fileName: 's.csv' })).toEqual([{ rowNumber: 2, values: expect.objectContaining({ name: 'Acme; Ltd', level: 'B' }) }]);
  });

  it('takes the first non-empty row as the header and matches Chinese, English, bilingual, case and width variants', async () => {
    const csv = '\n,,\n＊客户名称,CUSTOMER NO.,level (客户等级),电话|Phone,成立日期\nAcme,C-9,C,010-1,2024-01-31\n';
    expect(await readAll(csv, { fileName: 'h.csv' })).toEqual([
      { rowNumber: 4, values: { customerNo: 'C-9', name: 'Acme', level: 'C', founded: '2024-01-31', revenue: null, phone: '010-1' } },
    ]);
  });

  it('refuses unknown, duplicate and missing required columns with coded errors naming the cells', async () => {
    const unknown = await refusal(readAll('Name,Fax,Level\nAcme,1,A\n', { fileName: 'u.csv' }));
    expect(unknown).toMatchObject({ code: 'IMPORT.UNKNOWN_COLUMN', kind: 'invalid', errors: [{ field: 'B1', message: 'unknown column "Fax"' }] });
    expect(await readAll('Name,Fax\nAcme,1\n', { fileName: 'u.csv', unknownColumns: 'ignore' })).toHaveLength(1);

    const duplicate = await refusal(readAll('Name,客户名称\nAcme,Acme\n', { fileName: 'd.csv' }));
    expect(duplicate).toMatchObject({ code: 'IMPORT.DUPLICATE_COLUMN', errors: [{ field: 'B1' }] });

    const missing = await refusal(readAll('Level,Phone\nA,1\n', { fileName: 'm.csv' }));
    expect(missing).toMatchObject({ code: 'IMPORT.MISSING_COLUMN', errors: [{ field: 'name', message: 'the required column "客户名称 / Name" is missing' }] });
  });

  it('reports control characters in a cell as a problem of that row instead of passing them on', async () => {
    const rows = await readAll('Name,Level\n"Ac\u0007me",A\nOk,B\n', { fileName: 'c.csv' });
    expect(rows[0]).toEqual({ rowNumber: 2, values: expect.objectContaining({ name: null, level: 'A' }), problems: [{ field: 'name', message: 'must not contain control characters' }] });
    expect(rows[1].problems).toBeUndefined();
  });

  it('leaves none of exceljs’s spooled sheets behind when reading stops early (refused header, too many rows)', async () => {
    const spooled = () => readdirSync(tmpdir()).filter((file) => file.startsWith(`tmp-${process.pid}-`));
    const before = spooled();
    // A workbook of two sheets, both spooled by exceljs (no shared strings come before them).
    const bytes = await toBuffer((output) => writeTemplate(output, COLUMNS));
    const unknown = await toBuffer((output) => writeXlsx(output, [{ key: 'x', zh: '未知', en: 'Unknown' }], asRows([{ x: 1 }])));
    expect(await refusal(readAll(unknown, { fileName: 'u.xlsx' }))).toMatchObject({ code: 'IMPORT.UNKNOWN_COLUMN' });
    const many = await toBuffer((output) => writeXlsx(output, COLUMNS, asRows(Array.from({ length: 50 }, (_, i) => ({ name: `n${i}` })))));
    expect(await refusal(readAll(many, { fileName: 'm.xlsx', maxRows: 10 }))).toMatchObject({ code: 'IMPORT.TOO_MANY_ROWS' });
    expect(await readAll(bytes, { fileName: 't.xlsx' })).toEqual([]);
    expect(spooled()).toEqual(before);
  });

  it('stops at maxRows with IMPORT.TOO_MANY_ROWS (413)', async () => {
    const csv = 'Name\n' + Array.from({ length: 11 }, (_, i) => `n${i}`).join('\n');
    expect(await readAll(csv, { fileName: 'ok.csv', maxRows: 11 })).toHaveLength(11);
    expect(await refusal(readAll(csv, { fileName: 'big.csv', maxRows: 10 }))).toMatchObject({ code: 'IMPORT.TOO_MANY_ROWS', kind: 'too_large' });
  });
});

describe('spreadsheets: files that are not what they claim are refused with 400-kind codes, never crash', () => {
  let dir: string;
  let workbook: Buffer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crm-dx-'));
    workbook = await toBuffer((output) => writeXlsx(output, COLUMNS, asRows(Array.from({ length: 2000 }, (_, i) => ({ name: `客户${i}`, customerNo: `C${i}` })))));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    // exceljs spools sheets into tmp-<pid>-* files and loses track of them when the archive
    // breaks off mid-way (the stream case below); the process exit would remove them.
    for (const name of readdirSync(tmpdir()).filter((file) => file.startsWith(`tmp-${process.pid}-`))) rmSync(join(tmpdir(), name), { force: true });
  });

  const file = (name: string, bytes: Buffer | string): string => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const readFile = async (path: string, options: ReadRowsOptions) => {
    const rows: ParsedRow[] = [];
    for await (const row of readSpreadsheetFile(path, COLUMNS, options)) rows.push(row);
    return rows;
  };

  it.each([
    ['random bytes named .xlsx', randomBytes(50_000), { fileName: 'r.xlsx' }, 'IMPORT.UNREADABLE_FILE'],
    ['random bytes as octet-stream', randomBytes(50_000), { contentType: 'application/octet-stream' }, 'IMPORT.UNREADABLE_FILE'],
    ['an empty file', Buffer.alloc(0), { fileName: 'e.csv' }, 'IMPORT.EMPTY_FILE'],
    ['an old .xls (OLE)', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), randomBytes(100)]), { contentType: 'application/vnd.ms-excel' }, 'IMPORT.UNSUPPORTED_FORMAT'],
    ['a .pdf name', Buffer.from('%PDF-1.4'), { fileName: 'x.pdf' }, 'IMPORT.UNSUPPORTED_FORMAT'],
    ['a workbook named .csv', null, { fileName: 'w.csv' }, 'IMPORT.FORMAT_MISMATCH'],
    ['text sent as xlsx', Buffer.from('Name\nAcme\n'), { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }, 'IMPORT.FORMAT_MISMATCH'],
    ['UTF-16 text', Buffer.from('\ufeffName\nAcme\n', 'utf16le'), { fileName: 'u.csv' }, 'IMPORT.UNREADABLE_FILE'],
    ['an unclosed quote', Buffer.from('Name\n"Acme\n'), { fileName: 'q.csv' }, 'IMPORT.UNREADABLE_FILE'],
    ['a header but no rows at all', Buffer.from('\n\n'), { fileName: 'b.csv' }, 'IMPORT.NO_ROWS'],
  ])('%s', async (_label, bytes, hint, code) => {
    const content = bytes ?? workbook;
    expect(await refusal(readAll(content, hint))).toMatchObject({ code, kind: expect.stringMatching(/invalid|too_large/) });
    expect(await refusal(readFile(file(`f-${code}-${Math.random()}`, content), hint))).toMatchObject({ code });
  });

  it('refuses a truncated workbook, from a file before reading any row and from a stream while reading', async () => {
    for (const cut of [Math.floor(workbook.length / 2), workbook.length - 30]) {
      const truncated = workbook.subarray(0, cut);
      const fromFile = await refusal(readFile(file(`t${cut}.xlsx`, truncated), { fileName: 't.xlsx' }));
      expect(fromFile).toMatchObject({ code: 'IMPORT.UNREADABLE_FILE', message: expect.stringContaining('incomplete') });
      expect(await refusal(readAll(truncated, { fileName: 't.xlsx' }))).toMatchObject({ code: 'IMPORT.UNREADABLE_FILE' });
    }
  });

  it('refuses a ZIP that is not a workbook, and a workbook that expands beyond the limit', async () => {
    const docx = await workbookBuffer((w) => w.addWorksheet('x').addRow(['Name']));
    // Rename the workbook part: still a valid ZIP, no longer a workbook.
    const notWorkbook = Buffer.from(docx.toString('latin1').split('xl/workbook.xml').join('xl/workbooq.xml'), 'latin1');
    expect(await refusal(readFile(file('n.xlsx', notWorkbook), { fileName: 'n.xlsx' }))).toMatchObject({ code: 'IMPORT.UNREADABLE_FILE', message: expect.stringContaining('not an Excel workbook') });
    const path = file('big.xlsx', workbook);
    const rows: ParsedRow[] = [];
    const tooBig = refusal((async () => {
      for await (const row of readSpreadsheetFile(path, COLUMNS, { fileName: 'big.xlsx', maxExpandedBytes: 10_000 })) rows.push(row);
    })());
    expect(await tooBig).toMatchObject({ code: 'IMPORT.FILE_TOO_LARGE', kind: 'too_large' });
  });
});

describe('spreadsheets: the import template', () => {
  it('has the bilingual header (required columns marked), dropdowns, and a notes sheet with required flags, allowed values and examples', async () => {
    const bytes = await toBuffer((output) => writeTemplate(output, COLUMNS, { lines: ['每个文件最多 100,000 行 / At most 100,000 rows per file'], allowed: { level: ['A', 'B', 'C', 'D'] } }));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const [template, notes] = workbook.worksheets;
    expect(template.getRow(1).values).toEqual([undefined, '客户编号 / Customer No.', '*客户名称 / Name', '客户等级 / Level', '成立日期 / Founded', '年营业额 / Revenue', '电话 / Phone']);
    expect(template.rowCount).toBe(1);
    expect(template.getCell('C2').dataValidation).toMatchObject({ type: 'list', formulae: ['"A,B,C,D"'] });
    expect(notes.name).toBe('说明 Notes');
    const lines = notes.getSheetValues().map((row) => (Array.isArray(row) ? row.slice(1) : []));
    expect(lines).toEqual(
      expect.arrayContaining([
        ['每个文件最多 100,000 行 / At most 100,000 rows per file'],
        ['客户名称 / Name', '是 Yes', undefined, '华东机械有限公司'],
        ['客户等级 / Level', '否 No', '允许的值 Allowed: A, B, C, D'],
      ]),
    );
    // The template reads back as a header with no rows; its own header row is accepted.
    expect(await readAll(bytes, { fileName: 'template.xlsx' })).toEqual([]);
  });

  it('names downloads in Chinese with an ASCII fallback', () => {
    expect(attachmentDisposition('客户 2024.xlsx')).toBe(`attachment; filename="__ 2024.xlsx"; filename*=UTF-8''%E5%AE%A2%E6%88%B7%202024.xlsx`);
  });
});

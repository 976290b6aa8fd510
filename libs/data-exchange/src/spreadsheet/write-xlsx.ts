import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type * as ExcelJS from 'exceljs';
import { excel } from './exceljs';
import { bilingualLabel, ColumnSpec, columnLetter } from './columns';

export { XLSX_CONTENT_TYPE } from './detect-format';

/** Excel refuses (offers to "repair") a cell holding more. */
const MAX_CELL_CHARACTERS = 32_767;
const DATE_FORMAT = 'yyyy-mm-dd';
const HEADER_FONT = { bold: true };
const REQUIRED_FONT = { bold: true, color: { argb: 'FFC00000' } };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };

export interface WriteXlsxOptions {
  /** Tab name (Excel: at most 31 characters, none of []:*?/\). Default `Sheet1`. */
  sheetName?: string;
  /** Header labels: bilingual `客户名称 / Name` (default), or one language. */
  headers?: 'bilingual' | 'zh' | 'en';
  /** Stop early (the client went away): rows are no longer pulled, the workbook is not finished. */
  signal?: AbortSignal;
}

/** A value as a cell: strings, numbers, booleans, Dates (written as dates, yyyy-mm-dd). */
type CellValue = string | number | boolean | Date | null;

function toCellValue(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  const text = typeof value === 'string' ? value : typeof value === 'object' && 'name' in value ? String((value as { name: unknown }).name) : String(value);
  return text.length > MAX_CELL_CHARACTERS ? text.slice(0, MAX_CELL_CHARACTERS) : text;
}

function headerLabel(column: ColumnSpec, headers: WriteXlsxOptions['headers']): string {
  if (headers === 'zh') return column.zh;
  if (headers === 'en') return column.en;
  return bilingualLabel(column);
}

/** Display width: CJK characters take two columns. */
function displayWidth(text: string): number {
  let width = 0;
  for (const character of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(character) ? 2 : 1;
  return width;
}

function columnWidth(column: ColumnSpec, label: string): number {
  return column.width ?? Math.min(60, Math.max(10, displayWidth(label) + 2));
}

function safeSheetName(name: string | undefined, fallback: string): string {
  const cleaned = (name ?? '').replace(/[[\]:*?/\\]/g, ' ').trim().slice(0, 31);
  return cleaned || fallback;
}

async function waitForDrain(output: Writable, signal?: AbortSignal): Promise<void> {
  if (!output.writableNeedDrain) return;
  await once(output, 'drain', signal ? { signal } : undefined);
}

/**
 * Streams rows into an .xlsx on `output` with exceljs's WorkbookWriter: each row is committed
 * (serialised and compressed) as soon as it is written, and the next one is pulled only when
 * `output` has drained, so memory stays flat however many rows there are and however slow the
 * reader is. Bilingual header row, frozen, with a filter; column widths from the spec. Resolves
 * with the number of data rows once `output` has finished. On a row source error or an abort,
 * `output` is destroyed with the error (a client sees a broken download, never a truncated file
 * that looks whole).
 */
export async function writeXlsx(
  output: Writable,
  columns: readonly ColumnSpec[],
  rows: AsyncIterable<Record<string, unknown>>,
  options: WriteXlsxOptions = {},
): Promise<number> {
  const workbook = new (excel().stream.xlsx.WorkbookWriter)({ stream: output, useStyles: true, useSharedStrings: false });
  const labels = columns.map((column) => headerLabel(column, options.headers));
  const sheet = workbook.addWorksheet(safeSheetName(options.sheetName, 'Sheet1'), {
    views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }],
    autoFilter: columns.length > 0 ? `A1:${columnLetter(columns.length - 1)}1` : undefined,
  } as Partial<ExcelJS.AddWorksheetOptions>);
  sheet.columns = columns.map((column, index) => ({ key: column.key, width: columnWidth(column, labels[index]) }));
  const header = sheet.addRow(labels);
  header.font = HEADER_FONT;
  header.eachCell((cell) => (cell.fill = HEADER_FILL));
  header.commit();
  let count = 0;
  try {
    for await (const source of rows) {
      options.signal?.throwIfAborted();
      const row = sheet.addRow(columns.map((column) => toCellValue(source[column.key])));
      row.eachCell((cell) => {
        if (cell.value instanceof Date) cell.numFmt = DATE_FORMAT;
      });
      row.commit();
      count++;
      await waitForDrain(output, options.signal);
    }
    sheet.commit();
    await workbook.commit();
    return count;
  } catch (error) {
    output.destroy(error as Error);
    throw error;
  }
}

/** What a template says beside its columns. */
export interface TemplateNotes {
  /** Lines shown at the top of the notes sheet (how to fill the file in, limits). */
  lines?: string[];
  /** Allowed values per column key, e.g. from the data dictionary (besides `ColumnSpec.allowed`). */
  allowed?: Partial<Record<string, readonly string[]>>;
  /** Tab names; default `导入模板 Template` and `说明 Notes`. */
  sheetName?: string;
  notesSheetName?: string;
}

/** Rows of the template that get the allowed-values dropdown. */
const VALIDATED_ROWS = 10_000;

/**
 * The import template: a sheet with only the bilingual header row (required columns marked `*`
 * and in red; a dropdown where the allowed values are short enough for one), and a notes sheet
 * listing every column: required or not, the allowed values, a note and an example. Examples
 * stay on the notes sheet so that nobody imports them by accident.
 */
export async function writeTemplate(output: Writable, columns: readonly ColumnSpec[], notes: TemplateNotes = {}): Promise<void> {
  const workbook = new (excel().stream.xlsx.WorkbookWriter)({ stream: output, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(safeSheetName(notes.sheetName, '导入模板 Template'), { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
  const labels = columns.map((column) => `${column.required ? '*' : ''}${bilingualLabel(column)}`);
  sheet.columns = columns.map((column, index) => ({ key: column.key, width: columnWidth(column, labels[index]) }));
  const allowedFor = (column: ColumnSpec): readonly string[] => notes.allowed?.[column.key] ?? column.allowed ?? [];
  columns.forEach((column, index) => {
    const allowed = allowedFor(column);
    const list = allowed.join(',');
    // An inline list holds at most 255 characters and no commas or quotes inside a value.
    if (allowed.length > 0 && list.length <= 250 && !allowed.some((value) => /[,"]/.test(value))) {
      const letter = columnLetter(index);
      // Declared on exceljs's WorksheetWriter, missing from its typings.
      (sheet as unknown as { dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void } }).dataValidations.add(`${letter}2:${letter}${VALIDATED_ROWS}`, {
        type: 'list',
        allowBlank: true,
        formulae: [`"${list}"`],
        showErrorMessage: true,
        errorTitle: bilingualLabel(column),
        error: `允许的值 Allowed: ${list}`,
      });
    }
  });
  const header = sheet.addRow(labels);
  header.eachCell((cell, number) => {
    cell.font = columns[number - 1].required ? REQUIRED_FONT : HEADER_FONT;
    cell.fill = HEADER_FILL;
  });
  header.commit();
  sheet.commit();

  const notesSheet = workbook.addWorksheet(safeSheetName(notes.notesSheetName, '说明 Notes'));
  notesSheet.columns = [{ width: 30 }, { width: 14 }, { width: 60 }, { width: 24 }];
  for (const line of notes.lines ?? []) notesSheet.addRow([line]).commit();
  if (notes.lines?.length) notesSheet.addRow([]).commit();
  const title = notesSheet.addRow(['列 Column', '必填 Required', '说明 Notes / 允许的值 Allowed values', '示例 Example']);
  title.font = HEADER_FONT;
  title.commit();
  for (const column of columns) {
    const allowed = allowedFor(column);
    const note = [column.note, allowed.length > 0 ? `允许的值 Allowed: ${allowed.join(', ')}` : undefined].filter(Boolean).join('\n');
    notesSheet.addRow([bilingualLabel(column), column.required ? '是 Yes' : '否 No', note || null, column.example === undefined ? null : toCellValue(column.example)]).commit();
  }
  notesSheet.commit();
  await workbook.commit();
}

/**
 * `Content-Disposition` for a download whose name may be Chinese: an ASCII fallback and the
 * UTF-8 name (RFC 6266 / RFC 8187), which every current browser prefers.
 */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

import { ReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { StringDecoder } from 'node:string_decoder';
import type * as ExcelJS from 'exceljs';
import { excel } from './exceljs';
import { DomainError } from '@crm/contracts';
import { ImportError, ImportErrorCode } from '../data-exchange.errors';
import { cellText, isDateFormat } from './cell-text';

/** A sheet row as text cells: `cells[0]` is column A. */
export interface RawRow {
  rowNumber: number;
  cells: (string | null)[];
}

interface CellLike {
  value: unknown;
  numFmt?: string;
}
interface RowLike {
  number: number;
  eachCell(callback: (cell: CellLike, column: number) => void): void;
}
interface WorksheetLike extends AsyncIterable<RowLike> {
  /** Set here: the sheet's position among the workbook's tabs, -1 when the workbook does not say. */
  tabIndex?: number;
}
/** The parts of exceljs's streaming WorkbookReader this module relies on (pinned exceljs 4.4.0). */
interface ReaderInternals extends AsyncIterable<WorksheetLike> {
  model?: { sheets?: { rId?: string }[] };
  workbookRels?: { Id: string; Target: string }[];
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseWorksheet(iterator: AsyncIterable<unknown>, sheetNo: string): Generator<{ value: WorksheetLike }>;
}
type ReaderClass = new (input: Readable, options: ExcelJS.stream.xlsx.WorkbookStreamReaderOptions) => ReaderInternals;

/** Decodes a stream of byte chunks as UTF-8 without splitting a character between two chunks. */
async function* utf8Chunks(chunks: AsyncIterable<unknown>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/**
 * exceljs 4.4.0's streaming reader decodes each inflated chunk on its own (`TextDecoder.decode`
 * without `stream: true`), so a Chinese character that straddles two chunks becomes U+FFFD: about
 * one cell in a thousand of a Chinese sheet. Every XML part is decoded here as a stream instead:
 * entries in string mode, worksheets through a StringDecoder. (Tested in read-write.spec.ts.)
 */
const createUtf8WorkbookReader = () => class extends (excel().stream.xlsx.WorkbookReader as unknown as ReaderClass) {
  override _parseRels(entry: Readable) {
    entry.setEncoding('utf8');
    return super._parseRels(entry);
  }
  override _parseWorkbook(entry: Readable) {
    entry.setEncoding('utf8');
    return super._parseWorkbook(entry);
  }
  override _parseStyles(entry: Readable) {
    entry.setEncoding('utf8');
    return super._parseStyles(entry);
  }
  override _parseSharedStrings(entry: Readable) {
    entry.setEncoding('utf8');
    return super._parseSharedStrings(entry);
  }
  /** The temporary files (as streams) exceljs spooled sheets into and handed out for parsing. */
  readonly spooled: Readable[] = [];

  override *_parseWorksheet(iterator: AsyncIterable<unknown>, sheetNo: string) {
    if (iterator instanceof ReadStream) this.spooled.push(iterator);
    const target = `worksheets/sheet${sheetNo}.xml`;
    const rel = this.workbookRels?.find((candidate) => candidate.Target.replace(/^\/?(xl\/)?/, '') === target);
    const tabIndex = rel ? (this.model?.sheets ?? []).findIndex((sheet) => sheet.rId === rel.Id) : -1;
    for (const event of super._parseWorksheet(utf8Chunks(iterator), sheetNo)) {
      event.value.tabIndex = tabIndex;
      yield event;
    }
  }
};

/** Made on first use, as exceljs is loaded then. */
let Utf8WorkbookReader: ReturnType<typeof createUtf8WorkbookReader> | undefined;

function unreadable(error: unknown): ImportError {
  const reason = (error as Error)?.message ?? String(error);
  return new ImportError(ImportErrorCode.UnreadableFile, `The workbook could not be read (${reason.slice(0, 200)}): open it in Excel, save it as .xlsx and upload it again.`);
}

/** exceljs leaves its spooled sheets behind when reading stops early; this bounds the cleanup. */
const CLEANUP_WAIT_MS = 5_000;

/**
 * Rows of the first worksheet (in the workbook's tab order) of an .xlsx stream, as text cells,
 * read with exceljs's streaming WorkbookReader: the workbook is never loaded whole. Rows that
 * the file leaves out (blank ones) are simply not yielded.
 *
 * exceljs spools a sheet that comes before the shared strings in the archive (as in files Excel
 * writes) into a temporary file, and deletes it only once it has parsed it to the end. When
 * reading stops early (a refused header, too many rows, an error), the rest is run through
 * without parsing so that exceljs deletes its files, and the files handed out are deleted here.
 */
export async function* xlsxRows(input: Readable): AsyncGenerator<RawRow> {
  const reader = new (Utf8WorkbookReader ??= createUtf8WorkbookReader())(input, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  const sheets = reader[Symbol.asyncIterator]();
  let rows: AsyncIterator<RowLike> | undefined;
  let read = false;
  let completed = false;
  try {
    for (;;) {
      let next: IteratorResult<WorksheetLike>;
      try {
        next = await sheets.next();
      } catch (error) {
        throw unreadable(error);
      }
      if (next.done) break;
      const sheet = next.value;
      // Sheets arrive in ZIP order; the first tab is the one to read (or, when the workbook does
      // not say, the first sheet found). The others are skipped unread.
      const tabIndex = sheet.tabIndex ?? -1;
      if (read || tabIndex > 0) continue;
      read = true;
      rows = sheet[Symbol.asyncIterator]();
      for (;;) {
        let row: IteratorResult<RowLike>;
        try {
          row = await rows.next();
        } catch (error) {
          throw unreadable(error);
        }
        if (row.done) break;
        yield { rowNumber: row.value.number, cells: rowCells(row.value) };
      }
      rows = undefined;
    }
    completed = true;
  } catch (error) {
    throw error instanceof DomainError ? error : unreadable(error);
  } finally {
    if (!completed) await runThrough(input, sheets, rows);
    await release(reader.spooled);
    if (!input.readableEnded) input.destroy();
  }
  if (!read) throw new ImportError(ImportErrorCode.UnreadableFile, 'The workbook has no worksheet.');
}

async function runThrough(input: Readable, sheets: AsyncIterator<WorksheetLike>, rows: AsyncIterator<RowLike> | undefined): Promise<void> {
  const work = async () => {
    await rows?.return?.(undefined);
    // Spooled sheets are handed out only once the whole archive was read: then exceljs can run
    // through them (deleting each); with the archive half read, nothing spooled was handed out.
    if (input.readableEnded) {
      for (let next = await sheets.next(); !next.done; next = await sheets.next());
    }
  };
  await Promise.race([work().catch(() => undefined), delay(CLEANUP_WAIT_MS, undefined, { ref: false })]);
}

/**
 * Closes the spooled sheets' streams (exceljs opens one for every sheet, read or skipped) and
 * deletes their files. A stream may not have opened its file yet: its open then fails once the
 * file is gone, and that late error must not escape as an unhandled 'error' event (it crashed
 * whatever ran next in the process: an ENOENT on a `tmp-<pid>-…` file in another test).
 */
export async function release(spooled: Readable[]): Promise<void> {
  // Every stream first, before any await: one still opening would fail meanwhile with no listener.
  for (const stream of spooled) {
    stream.on('error', () => undefined);
    stream.destroy();
  }
  for (const stream of spooled) {
    const path = (stream as Readable & { path?: unknown }).path;
    if (typeof path === 'string') await rm(path, { force: true }).catch(() => undefined);
  }
}

function rowCells(row: RowLike): (string | null)[] {
  const cells: (string | null)[] = [];
  row.eachCell((cell, column) => {
    const value = cell.value;
    // Dates are numbers with a date format; exceljs converts plain cells, not formula results.
    const dated = typeof value === 'object' && value !== null && !(value instanceof Date) && isDateFormat(cell.numFmt);
    cells[column - 1] = cellText(value, dated);
  });
  for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
  return cells;
}

import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { FieldError } from '@crm/contracts';
import { ImportError, ImportErrorCode } from '../data-exchange.errors';
import { bilingualLabel, ColumnSpec, columnLetter, HeaderMatcher } from './columns';
import { csvRows } from './csv-rows';
import { FileHint, inspectSpreadsheetFile, SNIFF_BYTES, sniffFormat, SpreadsheetFormat, ZipLimits } from './detect-format';
import { RawRow, xlsxRows } from './xlsx-rows';

/** A data row: its number in the spreadsheet (header = 1) and a value per column key. */
export interface ParsedRow<K extends string = string> {
  rowNumber: number;
  /** Every column key; null when the cell is empty or the column is absent. */
  values: Record<K, string | null>;
  /** What is wrong with a cell before any business rule (control characters); the row is rejected. */
  problems?: FieldError[];
}

export interface ReadRowsOptions extends FileHint {
  /** Skip detection: the caller already knows (readSpreadsheetFile does). */
  format?: SpreadsheetFormat;
  /** Data rows allowed (blank rows not counted); more → IMPORT.TOO_MANY_ROWS. Default 100,000. */
  maxRows?: number;
  /** Header cells naming no column: refused (default) or ignored with their values. */
  unknownColumns?: 'reject' | 'ignore';
}

export const DEFAULT_MAX_ROWS = 100_000;
/** A header of thousands of unknown cells is reported by its first ones. */
const MAX_REPORTED_COLUMNS = 50;
/** No CRM field holds C0 control characters, and SQL dialects cut statements at NUL. */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Reads the first bytes for detection, then gives a stream that still yields everything. */
async function sniffStream(input: Readable, options: ReadRowsOptions): Promise<{ format: SpreadsheetFormat; stream: Readable }> {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (size < SNIFF_BYTES) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(Buffer.from(next.value));
    size += next.value.length;
  }
  let format: SpreadsheetFormat;
  try {
    format = sniffFormat(Buffer.concat(head), options);
  } catch (error) {
    input.destroy();
    throw error;
  }
  const rest = async function* (): AsyncGenerator<Buffer> {
    yield* head;
    if (ended) return;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value;
    }
  };
  const stream = Readable.from(rest(), { objectMode: false });
  stream.once('close', () => input.destroy());
  return { format, stream };
}

/**
 * The rows of a spreadsheet stream (.xlsx: first worksheet; .csv: UTF-8 with or without BOM),
 * mapped to the columns by the header, which is the first non-empty row. Blank rows are skipped;
 * values are trimmed strings. Header problems (unknown, missing required or duplicate columns)
 * and unreadable files are ImportErrors (400), thrown before or while rows are yielded.
 */
export async function* readRows<K extends string>(input: Readable, columns: readonly ColumnSpec<K>[], options: ReadRowsOptions = {}): AsyncGenerator<ParsedRow<K>> {
  let format = options.format;
  let stream = input;
  if (!format) ({ format, stream } = await sniffStream(input, options));
  const raw = format === 'xlsx' ? xlsxRows(stream) : csvRows(stream);
  yield* mapRows(raw, columns, options);
}

/**
 * readRows for a file on disk, after inspectSpreadsheetFile: a workbook must be a complete ZIP
 * (a truncated upload is refused before any row is read) and may expand only so far.
 */
export async function* readSpreadsheetFile<K extends string>(
  path: string,
  columns: readonly ColumnSpec<K>[],
  options: ReadRowsOptions & ZipLimits = {},
): AsyncGenerator<ParsedRow<K>> {
  const format = options.format ?? (await inspectSpreadsheetFile(path, options, options));
  yield* readRows(createReadStream(path, { highWaterMark: 256 * 1024 }), columns, { ...options, format });
}

async function* mapRows<K extends string>(raw: AsyncGenerator<RawRow>, columns: readonly ColumnSpec<K>[], options: ReadRowsOptions): AsyncGenerator<ParsedRow<K>> {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  let keys: (K | undefined)[] | undefined;
  let dataRows = 0;
  try {
    for await (const row of raw) {
      if (!keys) {
        if (row.cells.every((cell) => cell === null)) continue;
        keys = mapHeader(row, columns, options);
        continue;
      }
      const parsed = toParsedRow(row, keys, columns);
      if (!parsed) continue;
      if (++dataRows > maxRows) {
        throw new ImportError(ImportErrorCode.TooManyRows, `The file has more than ${maxRows} rows: split it into smaller files.`);
      }
      yield parsed;
    }
  } finally {
    await raw.return(undefined);
  }
  if (!keys) throw new ImportError(ImportErrorCode.NoRows, 'The file has no header row: use the template.');
}

function mapHeader<K extends string>(row: RawRow, columns: readonly ColumnSpec<K>[], options: ReadRowsOptions): (K | undefined)[] {
  const matcher = new HeaderMatcher(columns);
  const keys: (K | undefined)[] = [];
  const unknown: FieldError[] = [];
  const duplicate: FieldError[] = [];
  const seen = new Map<K, string>();
  row.cells.forEach((header, index) => {
    if (header === null) return;
    const cell = `${columnLetter(index)}${row.rowNumber}`;
    const key = matcher.match(header);
    if (key === undefined) {
      unknown.push({ field: cell, message: `unknown column "${header}"` });
    } else if (seen.has(key)) {
      duplicate.push({ field: cell, message: `"${header}" names the same column as ${seen.get(key)}` });
    } else {
      seen.set(key, cell);
      keys[index] = key;
    }
  });
  const expected = columns.map(bilingualLabel).join(', ');
  if (duplicate.length > 0) {
    throw new ImportError(ImportErrorCode.DuplicateColumn, 'A column appears twice in the header row.', duplicate);
  }
  if (unknown.length > 0 && options.unknownColumns !== 'ignore') {
    throw new ImportError(ImportErrorCode.UnknownColumn, `The header row has columns this import does not know. Expected: ${expected}.`, unknown.slice(0, MAX_REPORTED_COLUMNS));
  }
  const missing = columns
    .filter((column) => column.required && !seen.has(column.key))
    .map((column) => ({ field: column.key, message: `the required column "${bilingualLabel(column)}" is missing` }));
  if (missing.length > 0) {
    throw new ImportError(ImportErrorCode.MissingColumn, `Required columns are missing from the header row (row ${row.rowNumber}).`, missing);
  }
  return keys;
}

/** Null for a blank row (no value in any mapped column). */
function toParsedRow<K extends string>(row: RawRow, keys: (K | undefined)[], columns: readonly ColumnSpec<K>[]): ParsedRow<K> | null {
  const values = {} as Record<K, string | null>;
  for (const column of columns) values[column.key] = null;
  let blank = true;
  let problems: FieldError[] | undefined;
  keys.forEach((key, index) => {
    const value = key === undefined ? null : (row.cells[index] ?? null);
    if (key === undefined || value === null) return;
    blank = false;
    if (CONTROL_CHARACTERS.test(value)) {
      (problems ??= []).push({ field: key, message: 'must not contain control characters' });
      return;
    }
    values[key] = value;
  });
  if (blank) return null;
  return problems ? { rowNumber: row.rowNumber, values, problems } : { rowNumber: row.rowNumber, values };
}

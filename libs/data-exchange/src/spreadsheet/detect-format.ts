import { open } from 'node:fs/promises';
import { ImportError, ImportErrorCode } from '../data-exchange.errors';

export type SpreadsheetFormat = 'xlsx' | 'csv';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_CONTENT_TYPE = 'text/csv';

/** What the client said about the file; the content decides, and must agree. */
export interface FileHint {
  fileName?: string;
  contentType?: string;
}

/** What a file name or content type claims. `unknown`: says nothing (octet-stream, no extension). */
type Declared = SpreadsheetFormat | 'unknown' | 'xls' | 'other';

const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const ZIP_EMPTY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
/** OLE compound file: Excel 97-2003 .xls, and also password-protected .xlsx. */
const OLE_HEADER = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** How many bytes of the start of a file `sniffFormat` wants to see. */
export const SNIFF_BYTES = 8 * 1024;

function declaredByName(fileName: string | undefined): Declared {
  const extension = /\.([a-z0-9]{1,8})$/i.exec(fileName?.trim() ?? '')?.[1]?.toLowerCase();
  if (!extension) return 'unknown';
  if (extension === 'xlsx' || extension === 'xlsm') return 'xlsx';
  if (extension === 'csv' || extension === 'txt') return 'csv';
  if (extension === 'xls') return 'xls';
  return 'other';
}

function declaredByType(contentType: string | undefined): Declared {
  const type = contentType?.split(';')[0].trim().toLowerCase() ?? '';
  if (type === XLSX_CONTENT_TYPE || type === 'application/vnd.ms-excel.sheet.macroenabled.12') return 'xlsx';
  if (type === 'text/csv' || type === 'application/csv' || type === 'text/plain') return 'csv';
  // Browsers on Windows send vnd.ms-excel for .csv files too; octet-stream says nothing.
  if (type === '' || type === 'application/octet-stream' || type === 'application/vnd.ms-excel') return 'unknown';
  return 'other';
}

/** The name wins over the content type: browsers derive the type from the name, scripts often send octet-stream. */
function declared(hint: FileHint): Declared {
  const byName = declaredByName(hint.fileName);
  return byName !== 'unknown' ? byName : declaredByType(hint.contentType);
}

function unsupported(what: string): ImportError {
  return new ImportError(ImportErrorCode.UnsupportedFormat, `${what} Upload an Excel workbook (.xlsx) or a CSV file (UTF-8).`);
}

/** Refuses before reading a byte what the name or type already rules out (an .xls, a .pdf). */
export function assertDeclaredSpreadsheet(hint: FileHint): void {
  const claim = declared(hint);
  if (claim === 'xls') throw unsupported('Excel 97-2003 workbooks (.xls) are not supported: save the file as .xlsx.');
  if (claim === 'other') throw unsupported(`"${hint.fileName ?? hint.contentType}" is not a spreadsheet.`);
}

/**
 * The format of a file from its first bytes (at least min(SNIFF_BYTES, file size)) and what the
 * client declared. Content decides; a declaration that contradicts it is refused, as are empty
 * files, binary garbage and formats this library does not read. Every refusal is a 400-kind
 * ImportError.
 */
export function sniffFormat(head: Buffer, hint: FileHint): SpreadsheetFormat {
  assertDeclaredSpreadsheet(hint);
  const claim = declared(hint);
  if (head.length === 0) throw new ImportError(ImportErrorCode.EmptyFile, 'The file is empty.');
  let actual: SpreadsheetFormat;
  if (head.subarray(0, 4).equals(ZIP_LOCAL_HEADER)) {
    actual = 'xlsx';
  } else if (head.subarray(0, 4).equals(ZIP_EMPTY)) {
    throw new ImportError(ImportErrorCode.UnreadableFile, 'The file is an empty ZIP archive, not an Excel workbook.');
  } else if (head.subarray(0, 8).equals(OLE_HEADER)) {
    throw unsupported('This is an Excel 97-2003 workbook (.xls) or a password-protected workbook: save it as .xlsx without a password.');
  } else if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new ImportError(ImportErrorCode.UnreadableFile, 'The file is UTF-16 text: save it as "CSV UTF-8 (comma delimited)".');
  } else if (head.includes(0)) {
    throw new ImportError(ImportErrorCode.UnreadableFile, 'The file is neither an Excel workbook nor a text (CSV) file.');
  } else {
    actual = 'csv';
  }
  if (claim !== 'unknown' && claim !== actual) {
    throw new ImportError(
      ImportErrorCode.FormatMismatch,
      actual === 'xlsx'
        ? `The file is an Excel workbook, but was sent as ${describe(hint)}: send it as .xlsx.`
        : `The file is not an Excel workbook, but was sent as ${describe(hint)}: send a real .xlsx, or a CSV named .csv.`,
    );
  }
  return actual;
}

function describe(hint: FileHint): string {
  return hint.fileName ? `"${hint.fileName}"` : (hint.contentType ?? 'a spreadsheet');
}

export interface ZipEntryInfo {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

/** Bounds for what a workbook may expand to: a small ZIP can hold gigabytes of XML. */
export interface ZipLimits {
  /** Sum of the declared uncompressed sizes (default 1 GiB). */
  maxExpandedBytes?: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_ENTRY_SIGNATURE = 0x02014b50;
const MAX_CENTRAL_DIRECTORY = 16 * 1024 * 1024;
const MAX_SHARED_STRINGS_BYTES = 256 * 1024 * 1024;

function truncated(): ImportError {
  return new ImportError(ImportErrorCode.UnreadableFile, 'The workbook is incomplete or corrupt (was the upload cut short?): save it again and re-upload.');
}

/**
 * Reads a ZIP file's central directory, at its end: a truncated upload has none, and it lists
 * what the archive holds and how large each entry expands, without inflating anything. The
 * streaming reader alone can miss a file cut between two entries.
 */
export async function readZipDirectory(path: string): Promise<ZipEntryInfo[]> {
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLength);
    await file.read(tail, 0, tailLength, size - tailLength);
    let at = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIGNATURE && i + 22 + tail.readUInt16LE(i + 20) <= tailLength) {
        at = i;
        break;
      }
    }
    if (at < 0) throw truncated();
    let entries = tail.readUInt16LE(at + 10);
    let directorySize = tail.readUInt32LE(at + 12);
    let directoryOffset = tail.readUInt32LE(at + 16);
    if (entries === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
      const locatorAt = at - 20;
      if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== ZIP64_LOCATOR_SIGNATURE) throw truncated();
      const record = Buffer.alloc(56);
      await file.read(record, 0, 56, Number(tail.readBigUInt64LE(locatorAt + 8)));
      if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw truncated();
      entries = Number(record.readBigUInt64LE(32));
      directorySize = Number(record.readBigUInt64LE(40));
      directoryOffset = Number(record.readBigUInt64LE(48));
    }
    if (directorySize > MAX_CENTRAL_DIRECTORY || directoryOffset + directorySize > size) throw truncated();
    const directory = Buffer.alloc(directorySize);
    await file.read(directory, 0, directorySize, directoryOffset);
    return parseCentralDirectory(directory, entries);
  } finally {
    await file.close();
  }
}

function parseCentralDirectory(directory: Buffer, entries: number): ZipEntryInfo[] {
  const found: ZipEntryInfo[] = [];
  let at = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_ENTRY_SIGNATURE) throw truncated();
    let compressedSize = directory.readUInt32LE(at + 20);
    let uncompressedSize = directory.readUInt32LE(at + 24);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const name = directory.toString('utf8', at + 46, at + 46 + nameLength);
    // ZIP64: the real sizes sit in extra field 0x0001, uncompressed first, each only if its 32-bit field is full.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = directory.readUInt16LE(extra);
      const length = directory.readUInt16LE(extra + 2);
      if (id === 0x0001) {
        let field = extra + 4;
        if (uncompressedSize === 0xffffffff && field + 8 <= extraEnd) {
          uncompressedSize = Number(directory.readBigUInt64LE(field));
          field += 8;
        }
        if (compressedSize === 0xffffffff && field + 8 <= extraEnd) compressedSize = Number(directory.readBigUInt64LE(field));
      }
      extra += 4 + length;
    }
    found.push({ name, compressedSize, uncompressedSize });
    at = extraEnd + commentLength;
  }
  return found;
}

/**
 * Checks a file before it is parsed: its format (sniffFormat), and for a workbook that it is a
 * complete ZIP holding a workbook and a worksheet, expanding to no more than the limit.
 */
export async function inspectSpreadsheetFile(path: string, hint: FileHint, limits: ZipLimits = {}): Promise<SpreadsheetFormat> {
  const file = await open(path, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await file.read(buffer, 0, SNIFF_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
  const format = sniffFormat(head, hint);
  if (format === 'xlsx') {
    const entries = await readZipDirectory(path);
    const names = new Set(entries.map((entry) => entry.name));
    if (!names.has('xl/workbook.xml') || !entries.some((entry) => /^xl\/worksheets\/sheet\d+\.xml$/.test(entry.name))) {
      throw new ImportError(ImportErrorCode.UnreadableFile, 'The file is a ZIP archive but not an Excel workbook (is it a Word or other Office file?).');
    }
    const expanded = entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
    const max = limits.maxExpandedBytes ?? 1024 * 1024 * 1024;
    // Shared strings are held in memory while the sheet is read; the sheet itself streams.
    const sharedStrings = entries.find((entry) => entry.name === 'xl/sharedStrings.xml')?.uncompressedSize ?? 0;
    if (expanded > max || sharedStrings > MAX_SHARED_STRINGS_BYTES) {
      throw new ImportError(
        ImportErrorCode.FileTooLarge,
        `The workbook expands to ${Math.round(expanded / 1024 / 1024)} MB, more than the ${Math.round(max / 1024 / 1024)} MB allowed: split it into smaller files.`,
      );
    }
  }
  return format;
}

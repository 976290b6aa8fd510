import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { ImportError, ImportErrorCode } from '../data-exchange.errors';
import { cellText } from './cell-text';
import type { RawRow } from './xlsx-rows';

/** Enough text to decide the encoding and the delimiter. */
const HEAD_BYTES = 64 * 1024;
/** A record (row) longer than this is a wrong delimiter or an unclosed quote, not data. */
const MAX_RECORD_CHARACTERS = 1024 * 1024;

type Encoding = 'utf-8' | 'gb18030';

function unreadable(message: string): ImportError {
  return new ImportError(ImportErrorCode.UnreadableFile, message);
}

/**
 * UTF-8 (with or without BOM) is the contract. A CSV that Excel for Chinese Windows saved as
 * plain "CSV" is GB18030 (GBK) instead; it is recognised by its first 64 KiB not being UTF-8 while
 * being valid GB18030, and read as such rather than refused as garbage.
 */
function detectEncoding(head: Buffer): Encoding {
  for (const encoding of ['utf-8', 'gb18030'] as const) {
    try {
      new TextDecoder(encoding, { fatal: true }).decode(head, { stream: true });
      return encoding;
    } catch {
      // try the next one
    }
  }
  throw unreadable('The file is not UTF-8 text: save it as "CSV UTF-8 (comma delimited)" and upload it again.');
}

/** Comma unless the header line has none but has semicolons (European Excel) or tabs. */
function detectDelimiter(text: string): string {
  const firstLine = text.split(/\r?\n/).find((line) => line.trim().length > 0) ?? '';
  if (firstLine.includes(',')) return ',';
  if (firstLine.includes(';')) return ';';
  if (firstLine.includes('\t')) return '\t';
  return ',';
}

/**
 * Rows of a CSV stream as text cells (trimmed, empty → null). Row numbers count every record,
 * blank lines included, so they are the row numbers Excel shows for the same file.
 */
export async function* csvRows(input: Readable): AsyncGenerator<RawRow> {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const headParts: Buffer[] = [];
  let headSize = 0;
  let ended = false;
  try {
    while (headSize < HEAD_BYTES) {
      const next = await chunks.next();
      if (next.done) {
        ended = true;
        break;
      }
      headParts.push(next.value);
      headSize += next.value.length;
    }
    const head = Buffer.concat(headParts);
    const encoding = detectEncoding(head);
    // Strips a byte order mark (ignoreBOM: false); fatal: bad bytes later in the file are refused.
    const decoder = new TextDecoder(encoding, { fatal: true });
    let position = 0;
    const decode = (bytes?: Buffer): string => {
      try {
        const text = bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
        position += bytes?.length ?? 0;
        return text;
      } catch {
        throw unreadable(`The file is not valid ${encoding === 'utf-8' ? 'UTF-8' : 'GB18030'} text near byte ${position}: save it as "CSV UTF-8" and upload it again.`);
      }
    };
    const headText = decode(head);
    const text = async function* (): AsyncGenerator<string> {
      yield headText;
      if (!ended) {
        for (;;) {
          const next = await chunks.next();
          if (next.done) break;
          yield decode(next.value);
        }
      }
      yield decode();
    };
    const source = Readable.from(text());
    const parser = parse({
      delimiter: detectDelimiter(headText),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      max_record_size: MAX_RECORD_CHARACTERS,
    });
    source.on('error', (error) => parser.destroy(error));
    source.pipe(parser);
    let rowNumber = 0;
    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        rowNumber++;
        yield { rowNumber, cells: record.map((value) => cellText(value)) };
      }
    } catch (error) {
      if (error instanceof ImportError) throw error;
      const reason = (error as Error).message ?? String(error);
      throw unreadable(`The CSV could not be read after row ${rowNumber} (${reason.slice(0, 200)}): check its quotes and delimiters.`);
    } finally {
      source.destroy();
    }
  } finally {
    input.destroy();
  }
}

/**
 * A cell as people read it, as a trimmed string (null when empty): numbers as written, dates as
 * YYYY-MM-DD (with the time only when there is one), rich text as its text, formulas as their
 * cached result, hyperlinks as their text, error values as written (`#N/A`).
 */
export function cellText(value: unknown, dateFormatted = false): string | null {
  const text = rawText(value, dateFormatted);
  if (text === null) return null;
  const trimmed = text.trim();
  return trimmed.length > 0 ? trimmed : null;
}

function rawText(value: unknown, dateFormatted: boolean): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    return dateFormatted ? formatDate(excelSerialToDate(value)) : formatNumber(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : formatDate(value);
  if (typeof value === 'object') {
    const cell = value as { richText?: { text?: string }[]; result?: unknown; formula?: string; sharedFormula?: string; text?: unknown; error?: string };
    if (Array.isArray(cell.richText)) return cell.richText.map((run) => run.text ?? '').join('');
    if ('formula' in cell || 'sharedFormula' in cell || 'result' in cell) return rawText(cell.result, dateFormatted);
    if (typeof cell.error === 'string') return cell.error;
    if ('text' in cell) return rawText(cell.text, dateFormatted);
  }
  return null;
}

/** Integers as they are (no exponent below 1e21); fractions to Excel's 15 significant digits. */
function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
}

/** Excel's serial day number (1900 system, as written by every current Excel) to a UTC instant. */
function excelSerialToDate(serial: number): Date {
  return new Date(Math.round((serial - 25569) * 86_400_000));
}

/** Calendar dates as YYYY-MM-DD; a time of day, when there is one, as ` HH:mm:ss`. */
export function formatDate(date: Date): string {
  const iso = date.toISOString();
  const time = iso.slice(11, 19);
  return time === '00:00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time}`;
}

/** Excel's rule (as exceljs applies it): a number format with y, m, d, h, s or b outside quotes and brackets is a date. */
export function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  return /[ymdhMsb]+/.test(format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/**
 * One column of an import or export: the key the code uses and the labels people see. A file's
 * header cell may say the Chinese label, the English label, the key, an alias, or the template's
 * bilingual form (`客户名称 / Name`), in any case, with full-width characters or a `*` marker.
 */
export interface ColumnSpec<K extends string = string> {
  key: K;
  zh: string;
  en: string;
  required?: boolean;
  /** Other header texts accepted for this column (older templates, common synonyms). */
  aliases?: string[];
  /** Width in characters in written sheets (default from the labels). */
  width?: number;
  /** A value shown in the template's example row. */
  example?: string | number | Date;
  /** Values the column accepts, listed on the template's notes sheet (the service still validates). */
  allowed?: readonly string[];
  /** A hint on the notes sheet, e.g. the format (YYYY-MM-DD). */
  note?: string;
}

/** `A`, …, `Z`, `AA`, … as Excel names columns (index 0 = A). */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** The header text written by this library: `客户名称 / Name`. */
export function bilingualLabel(column: ColumnSpec): string {
  return column.zh === column.en ? column.zh : `${column.zh} / ${column.en}`;
}

/**
 * Folds what people type differently but mean the same: full-width forms (NFKC), case, runs of
 * white space, and the required-column markers `*` / `＊`.
 */
export function normaliseLabel(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

function squash(label: string): string {
  return normaliseLabel(label).replace(/[\s/|()]+/g, '');
}

/** `客户名称 / Name`, `Name (客户名称)`, `客户名称|Name`, or the two labels on two lines. */
const LABEL_SEPARATORS = /[/|()\n\r]+/;

/**
 * Maps header cells to column keys. Built once per column list; refuses ambiguous lists (two
 * columns sharing a label) when built, since that is a programming error, not bad input.
 */
export class HeaderMatcher<K extends string = string> {
  private readonly byLabel = new Map<string, K>();
  /** Two labels of one column written together, separators and spaces removed: `客户名称name`. */
  private readonly byPair = new Map<string, K>();

  constructor(readonly columns: readonly ColumnSpec<K>[]) {
    for (const column of columns) {
      const labels = [column.key, column.zh, column.en, ...(column.aliases ?? [])];
      for (const label of labels) {
        const normal = normaliseLabel(label);
        if (!normal) continue;
        const owner = this.byLabel.get(normal);
        if (owner !== undefined && owner !== column.key) {
          throw new Error(`columns ${owner} and ${column.key} share the header label "${label}"`);
        }
        this.byLabel.set(normal, column.key);
      }
      for (const first of labels) {
        for (const second of labels) {
          if (first !== second) this.byPair.set(squash(first) + squash(second), column.key);
        }
      }
    }
  }

  /**
   * The key a header cell names, or undefined. A bilingual cell matches when every part names the
   * same column, so `客户名称 / Phone` matches nothing rather than the wrong column.
   */
  match(header: string): K | undefined {
    const whole = this.byLabel.get(normaliseLabel(header)) ?? this.byPair.get(squash(header));
    if (whole !== undefined) return whole;
    const parts = header
      .split(LABEL_SEPARATORS)
      .map(normaliseLabel)
      .filter((part) => part.length > 0);
    if (parts.length < 2) return undefined;
    const keys = new Set(parts.map((part) => this.byLabel.get(part)));
    if (keys.size !== 1) return undefined;
    return [...keys][0];
  }
}

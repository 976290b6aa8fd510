import type { FieldError } from '@crm/contracts';
import { DictionaryOptionError, DictionaryOptionErrorCode } from './dictionary.errors';

/** One live item of a category, as a select input offers it. Services store `item` (the text). */
export interface DictionaryOption {
  itemId: string;
  item: string;
  value: string;
}

/** A live item with its category: what an implementation reads. */
export interface DictionaryEntry extends DictionaryOption {
  category: string;
}

/** A select-like input to validate: the request field, the category it takes options from, and what was sent. */
export interface DictionaryField {
  field: string;
  category: string;
  value: string | null | undefined;
}

/** How many allowed items an error message names before it just counts the rest. */
export const ALLOWED_ITEMS_IN_MESSAGE = 5;

/**
 * The data dictionary as a service validating select-like fields sees it (a Nest injection
 * token). The customer service, which owns the dictionary, implements it over its own table; any
 * other service gets it from DictionaryCopyModule, over its copy. Both implement one query,
 * `liveEntries`; ordering, matching and the error messages live here, so a value is judged and
 * explained the same way whoever answers.
 *
 * Call it inside a request, a consumer handler or `@CreateRequestContext()` (it reads through the
 * context's EntityManager).
 */
export abstract class DictionaryLookup {
  /**
   * Live (not deleted) items of these categories, in any order, in one query. Implementations
   * return every item of each category (a category holds tens of items): the messages name some
   * of them, and matching is done here, exactly, so that a case- or accent-insensitive database
   * collation (SQL Server's default) cannot let "vip" pass for "VIP".
   */
  protected abstract liveEntries(categories: readonly string[]): Promise<DictionaryEntry[]>;

  /** The live items of a category for a select input: by value (numbers in numeric order), then item. */
  async options(category: string): Promise<DictionaryOption[]> {
    const entries = await this.liveEntries([category]);
    return optionsOf(entries.filter((entry) => entry.category === category));
  }

  /**
   * One error per field whose value is set (not null, undefined or '') and is not the text of a
   * live item of its category. One query for all the fields.
   */
  async check(fields: readonly DictionaryField[]): Promise<FieldError[]> {
    const filled = fields.filter(isFilled);
    if (filled.length === 0) return [];
    return (await this.checkerFor(filled.map((field) => field.category)))(filled);
  }

  /**
   * A checker for many records at once (an import batch): the items of these categories are read
   * once, then each call checks fields in memory, exactly as `check` would.
   */
  async checkerFor(categories: readonly string[]): Promise<(fields: readonly DictionaryField[]) => FieldError[]> {
    const entries = await this.liveEntries([...new Set(categories)]);
    const byCategory = new Map<string, DictionaryEntry[]>();
    for (const entry of entries) byCategory.set(entry.category, [...(byCategory.get(entry.category) ?? []), entry]);
    return (fields) =>
      fields.filter(isFilled).flatMap((field) => {
        const items = byCategory.get(field.category) ?? [];
        if (items.some((entry) => entry.item === field.value)) return [];
        return [{ field: field.field, message: notAnItemMessage(field.category, optionsOf(items)) }];
      });
  }

  /** Throws DICTIONARY.INVALID_OPTION (400) listing every field `check` refuses. */
  async assertValid(fields: readonly DictionaryField[]): Promise<void> {
    const errors = await this.check(fields);
    if (errors.length > 0) {
      throw new DictionaryOptionError(DictionaryOptionErrorCode.InvalidOption, 'Some fields are not items of the data dictionary.', errors);
    }
  }
}

/**
 * Ordered in code rather than by the database: collations of Chinese text differ between SQLite,
 * PostgreSQL and SQL Server, and values such as "10" should follow "9".
 */
const byValue = new Intl.Collator('en', { numeric: true });

function optionsOf(entries: readonly DictionaryEntry[]): DictionaryOption[] {
  return [...entries]
    .sort((a, b) => byValue.compare(a.value, b.value) || codePointOrder(a.item, b.item) || codePointOrder(a.itemId, b.itemId))
    .map(({ itemId, item, value }) => ({ itemId, item, value }));
}

function isFilled(field: DictionaryField): field is DictionaryField & { value: string } {
  return field.value !== null && field.value !== undefined && field.value !== '';
}

function codePointOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Names the category and a few allowed items; never echoes the value sent. */
export function notAnItemMessage(category: string, allowed: readonly DictionaryOption[]): string {
  if (allowed.length === 0) return `must be an item of ${category}, which has no items in the data dictionary`;
  const named = allowed.slice(0, ALLOWED_ITEMS_IN_MESSAGE).map((option) => option.item).join(', ');
  const rest = allowed.length - ALLOWED_ITEMS_IN_MESSAGE;
  return `must be one of ${category}: ${named}${rest > 0 ? ` or ${rest} more` : ''}`;
}

import type { FieldError } from '@crm/contracts';
import type { AcceptedRow, ImportCounts, ImportReport, RowReport } from './import-job.types';

/**
 * Counts and report lines of one pass over a file, in bounded memory: at most `limit` rows with
 * problems and `limit` accepted rows are kept, whatever the file's size.
 */
export class ImportTally {
  readonly counts: ImportCounts = { valid: 0, created: 0, updated: 0, rejected: 0, duplicates: 0 };
  private readonly problems: RowReport[] = [];
  private readonly written: RowReport[] = [];
  private problemsDropped = false;

  constructor(private readonly limit: number) {}

  rejected(row: number, errors: FieldError[], key?: string): void {
    this.counts.rejected++;
    this.problem({ row, outcome: 'rejected', ...(key ? { key } : {}), errors });
  }

  duplicate(row: number, errors: FieldError[], key?: string, id?: string): void {
    this.counts.duplicates++;
    this.problem({ row, outcome: 'duplicate', ...(key ? { key } : {}), ...(id ? { id } : {}), errors });
  }

  valid(): void {
    this.counts.valid++;
  }

  applied(rows: AcceptedRow<unknown>[], ids: void | (string | undefined)[]): void {
    rows.forEach((accepted, index) => {
      const outcome = accepted.outcome === 'create' ? 'created' : 'updated';
      this.counts[outcome]++;
      if (this.written.length >= this.limit) return;
      const id = (ids && ids[index]) ?? accepted.id;
      this.written.push({ row: accepted.rowNumber, outcome, ...(accepted.key ? { key: accepted.key } : {}), ...(id ? { id } : {}) });
    });
  }

  /** The transaction rolled back: nothing of what `applied` counted was written. */
  rolledBack(): this {
    this.counts.created = 0;
    this.counts.updated = 0;
    this.written.length = 0;
    return this;
  }

  private problem(line: RowReport): void {
    if (this.problems.length < this.limit) this.problems.push(line);
    else this.problemsDropped = true;
  }

  /** Rows with problems first of all; written rows fill what is left of the limit. */
  report(): ImportReport {
    const room = Math.max(0, this.limit - this.problems.length);
    const items = [...this.problems, ...this.written.slice(0, room)].sort((a, b) => a.row - b.row);
    return { items, truncated: this.problemsDropped, limit: this.limit };
  }
}

import type { EntityManager } from '@mikro-orm/core';
import type { FieldError } from '@crm/contracts';
import type { ColumnSpec } from '../spreadsheet/columns';
import type { ParsedRow } from '../spreadsheet/read-rows';

export const IMPORT_JOB_STATUSES = ['validating', 'importing', 'completed', 'rejected', 'failed'] as const;
export type ImportJobStatus = (typeof IMPORT_JOB_STATUSES)[number];
/** Still running (on the replica named by `owner`, which keeps `heartbeatAt` fresh). */
export const RUNNING_IMPORT_STATUSES: readonly ImportJobStatus[] = ['validating', 'importing'];

/**
 * `all-or-nothing` (default): one rejected row and nothing is written, the report says why.
 * `valid-only`: the accepted rows are written (in one transaction), the rejected ones reported.
 */
export const IMPORT_MODES = ['all-or-nothing', 'valid-only'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

export interface ImportUser {
  id: string;
  name: string;
}

/**
 * What a handler decides about one row, in the order of the rows it was given:
 * - `create` / `update`: accepted; `row` is whatever the handler wants back in `apply`.
 * - `reject`: invalid, field by field; in all-or-nothing mode the whole file is refused.
 * - `duplicate`: names a record that exists (or an earlier row of the file); reported, not
 *   written, and it does not refuse the file.
 * `key` identifies the row in the report (a customer number or name); `id` the record it hit.
 */
export type RowResult<Row> =
  | { outcome: 'create'; row: Row; key?: string }
  | { outcome: 'update'; row: Row; key?: string; id?: string }
  | { outcome: 'reject'; errors: FieldError[]; key?: string }
  | { outcome: 'duplicate'; errors: FieldError[]; key?: string; id?: string };

/** An accepted row as `apply` receives it. */
export interface AcceptedRow<Row> {
  rowNumber: number;
  outcome: 'create' | 'update';
  row: Row;
  key?: string;
  id?: string;
}

export interface ImportContext {
  jobId: string;
  kind: string;
  mode: ImportMode;
  fileName: string;
  user: ImportUser;
  /** `validate`: the first pass over the file; `apply`: the second, inside the one transaction. */
  pass: 'validate' | 'apply';
  /**
   * Remembers that row `rowNumber` holds `key` (e.g. `name:华东机械`) for the rest of this pass;
   * returns the earlier row that already held it, if any. For duplicates within one file.
   */
  claim(key: string, rowNumber: number): number | undefined;
}

/**
 * How one kind of import (customers, products, …) checks and writes its rows. ImportJobs reads
 * the file, batches rows, calls `validate` for every batch in a first pass (nothing written),
 * then — unless all-or-nothing and something was rejected — reads the file again inside ONE
 * transaction, calling `validate` again (the database may have changed meanwhile) and `apply`
 * with the accepted rows of each batch. Batches come in file order.
 */
export interface ImportHandler<Row = unknown> {
  readonly columns: readonly ColumnSpec[];
  /**
   * One result per row, in order. Look up existing records in bulk (one query per batch, e.g.
   * `customerNo: {$in: …}`), never write. Rows whose cells were unreadable never get here.
   */
  validate(rows: ParsedRow[], em: EntityManager, context: ImportContext): Promise<RowResult<Row>[]>;
  /**
   * Writes the accepted rows of a batch through `em` (the import's transaction; record outbox
   * events with it too). May return the ids of the records written, in order, for the report.
   * ImportJobs flushes after each batch; throwing rolls the whole import back.
   */
  apply(rows: AcceptedRow<Row>[], em: EntityManager, context: ImportContext): Promise<void | (string | undefined)[]>;
}

export type RowOutcome = 'created' | 'updated' | 'rejected' | 'duplicate';

/** One line of a job's report. */
export interface RowReport {
  row: number;
  outcome: RowOutcome;
  key?: string;
  /** The record created, updated or duplicated. */
  id?: string;
  errors?: FieldError[];
}

export interface ImportCounts {
  /** Rows that passed validation (in a rejected job: would have been written). */
  valid: number;
  created: number;
  updated: number;
  rejected: number;
  duplicates: number;
}

export interface ImportReport {
  /**
   * Rows with problems (rejected, duplicate) first of all, in row order; created and updated
   * rows too while the total stays within `limit` — a small file gets a line for every row.
   */
  items: RowReport[];
  /** True when rows with problems were left out (the counts are always complete). */
  truncated: boolean;
  limit: number;
}

/** Why a job was rejected as a whole (the file) or failed. */
export interface ImportJobError {
  code: string;
  message: string;
  errors?: FieldError[];
}

import { Logger } from '@nestjs/common';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { DomainError } from '@crm/contracts';
import { ImportError, ImportErrorCode } from '../data-exchange.errors';
import { readSpreadsheetFile, type ParsedRow } from '../spreadsheet/read-rows';
import type { SpreadsheetFormat } from '../spreadsheet/detect-format';
import type { ResolvedDataExchangeOptions } from './data-exchange.options';
import { ImportJob } from './import-job.entity';
import { AcceptedRow, ImportContext, ImportHandler, ImportJobError, ImportJobStatus, ImportMode, ImportUser, RUNNING_IMPORT_STATUSES } from './import-job.types';
import { ImportTally } from './import-tally';

export interface ImportRunSpec<Row> {
  jobId: string;
  kind: string;
  mode: ImportMode;
  fileName: string;
  user: ImportUser;
  handler: ImportHandler<Row>;
  path: string;
  format: SpreadsheetFormat;
}

interface PassResult {
  pass: ImportContext['pass'];
  rows: number;
  tally: ImportTally;
}

/** The import pass met rows the validation pass had accepted (the database changed meanwhile). */
class RejectedWhileImporting extends Error {
  constructor(readonly result: PassResult) {
    super('rows were rejected while importing');
  }
}

/**
 * Writes progress and heartbeats to the job row through its own EntityManager, one statement at
 * a time, never awaited by the import itself: on SQLite (one connection) the writes wait until the
 * import's transaction ends instead of deadlocking with it. Only a running job is ever updated, so
 * a late write cannot undo the final status.
 */
class JobRowWriter {
  private pending: Partial<ImportJob> | null = null;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly orm: MikroORM,
    private readonly jobId: string,
    private readonly logger: Logger,
  ) {}

  patch(values: Partial<ImportJob>): void {
    this.pending = { ...this.pending, ...values };
    this.writing ??= this.drain();
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      const values = this.pending;
      this.pending = null;
      try {
        await this.orm.em.fork().nativeUpdate(ImportJob, { id: this.jobId, status: { $in: [...RUNNING_IMPORT_STATUSES] } }, { ...values, heartbeatAt: new Date() });
      } catch (error) {
        this.logger.warn(`import ${this.jobId}: progress not recorded: ${(error as Error).message}`);
      }
    }
    this.writing = null;
  }

  async settle(): Promise<void> {
    while (this.writing) await this.writing;
  }
}

/**
 * One import job from its stored upload to its outcome: a validation pass (nothing written), then
 * — unless all-or-nothing and rows were rejected — an import pass inside ONE transaction, which
 * also records the outcome, so `completed` and the rows commit together or not at all.
 */
export class ImportRun<Row> {
  private readonly logger = new Logger('ImportJobs');
  private readonly abortController = new AbortController();
  private readonly writer: JobRowWriter;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly orm: MikroORM,
    private readonly options: ResolvedDataExchangeOptions,
    private readonly spec: ImportRunSpec<Row>,
  ) {
    this.writer = new JobRowWriter(orm, spec.jobId, this.logger);
  }

  /** Stops at the next row; the transaction rolls back and the job says why. */
  abort(reason: string): void {
    this.abortController.abort(new Error(reason));
  }

  async execute(): Promise<void> {
    this.heartbeat = setInterval(() => this.writer.patch({}), this.options.heartbeatMs);
    this.heartbeat.unref();
    try {
      const checked = await this.pass('validate');
      if (checked.rows === 0) throw new ImportError(ImportErrorCode.NoRows, 'The file has a header row but no data rows.');
      if (this.spec.mode === 'all-or-nothing' && checked.tally.counts.rejected > 0) return await this.finish('rejected', checked);
      if (checked.tally.counts.valid === 0) return await this.finish('completed', checked);
      this.writer.patch({ status: 'importing', rowsRead: checked.rows });
      // Before the transaction: on SQLite the status would otherwise be written after the commit.
      await this.writer.settle();
      await this.orm.em.fork().transactional(async (tx) => {
        const applied = await this.pass('apply', tx);
        if (this.spec.mode === 'all-or-nothing' && applied.tally.counts.rejected > 0) throw new RejectedWhileImporting(applied);
        await tx.nativeUpdate(ImportJob, { id: this.spec.jobId }, this.outcome('completed', applied));
      });
    } catch (error) {
      await this.fail(error);
    } finally {
      clearInterval(this.heartbeat);
      await this.writer.settle();
    }
  }

  private async fail(error: unknown): Promise<void> {
    if (error instanceof RejectedWhileImporting) return this.finish('rejected', { ...error.result, tally: error.result.tally.rolledBack() });
    if (error instanceof ImportError) return this.finish('rejected', undefined, { code: error.code, message: error.message, ...(error.errors ? { errors: error.errors } : {}) });
    if (this.abortController.signal.aborted) {
      return this.finish('failed', undefined, { code: 'IMPORT.INTERRUPTED', message: `${(this.abortController.signal.reason as Error).message}; nothing was written. Upload the file again.` });
    }
    if (error instanceof DomainError) return this.finish('failed', undefined, { code: error.code, message: `${error.message} Nothing was written.`, ...(error.errors ? { errors: error.errors } : {}) });
    this.logger.error(`import ${this.spec.jobId} (${this.spec.kind}) failed: ${(error as Error)?.stack ?? String(error)}`);
    return this.finish('failed', undefined, { code: 'IMPORT.FAILED', message: 'The import failed unexpectedly (it has been logged); nothing was written.' });
  }

  private outcome(status: ImportJobStatus, result?: PassResult, error?: ImportJobError): Partial<ImportJob> {
    const now = new Date();
    const patch: Partial<ImportJob> = { status, finishedAt: now, heartbeatAt: now, error: error ?? null };
    if (result) {
      patch.counts = result.tally.counts;
      patch.report = result.tally.report();
      if (result.pass === 'validate') patch.rowsRead = result.rows;
      else patch.rowsImported = result.rows;
    }
    return patch;
  }

  private async finish(status: ImportJobStatus, result?: PassResult, error?: ImportJobError): Promise<void> {
    await this.writer.settle();
    try {
      await this.orm.em.fork().nativeUpdate(ImportJob, { id: this.spec.jobId }, this.outcome(status, result, error));
    } catch (failure) {
      // The job stays "running" until its heartbeat is stale, then reads as failed.
      this.logger.error(`import ${this.spec.jobId}: outcome ${status} not recorded: ${(failure as Error).message}`);
    }
  }

  private context(pass: ImportContext['pass']): ImportContext {
    const claims = new Map<string, number>();
    const { jobId, kind, mode, fileName, user } = this.spec;
    return {
      jobId,
      kind,
      mode,
      fileName,
      user,
      pass,
      claim(key, rowNumber) {
        const earlier = claims.get(key);
        if (earlier === undefined) claims.set(key, rowNumber);
        return earlier;
      },
    };
  }

  /** Reads the whole file once, in batches; with `tx`, writes the accepted rows through it. */
  private async pass(pass: ImportContext['pass'], tx?: EntityManager): Promise<PassResult> {
    const { handler, mode } = this.spec;
    const context = this.context(pass);
    const tally = new ImportTally(this.options.reportLimit);
    let batch: ParsedRow[] = [];
    let rows = 0;
    const flush = async () => {
      const clean = batch.filter((row) => !row.problems);
      const results = clean.length > 0 ? await handler.validate(clean, tx ?? this.orm.em.fork(), context) : [];
      if (results.length !== clean.length) throw new Error(`the ${this.spec.kind} import handler returned ${results.length} results for ${clean.length} rows`);
      const accepted: AcceptedRow<Row>[] = [];
      let next = 0;
      for (const row of batch) {
        if (row.problems) {
          tally.rejected(row.rowNumber, row.problems);
          continue;
        }
        const result = results[next++];
        if (result.outcome === 'reject') tally.rejected(row.rowNumber, result.errors, result.key);
        else if (result.outcome === 'duplicate') tally.duplicate(row.rowNumber, result.errors, result.key, result.id);
        else {
          tally.valid();
          accepted.push({ rowNumber: row.rowNumber, ...result });
        }
      }
      // All-or-nothing and already refused: keep validating for a complete report, write nothing more.
      const writing = tx && accepted.length > 0 && !(mode === 'all-or-nothing' && tally.counts.rejected > 0);
      if (writing) {
        const ids = await handler.apply(accepted, tx, context);
        tally.applied(accepted, ids);
        await tx.flush();
        tx.clear();
      }
      batch = [];
      this.writer.patch(pass === 'validate' ? { rowsRead: rows } : { rowsImported: rows });
    };
    const source = readSpreadsheetFile(this.spec.path, handler.columns, { format: this.spec.format, maxRows: this.options.maxRows });
    for await (const row of source) {
      this.abortController.signal.throwIfAborted();
      batch.push(row);
      rows++;
      if (batch.length >= this.options.batchSize) await flush();
    }
    if (batch.length > 0) await flush();
    return { pass, rows, tally };
  }
}

import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { ImportError, ImportErrorCode } from '../data-exchange.errors';
import { assertDeclaredSpreadsheet, inspectSpreadsheetFile } from '../spreadsheet/detect-format';
import { removeUpload, saveUpload } from '../upload/save-upload';
import { DATA_EXCHANGE_OPTIONS, type ResolvedDataExchangeOptions } from './data-exchange.options';
import { ImportJob } from './import-job.entity';
import { type ImportJobDto, toImportJobDto } from './import-job.dto';
import { IMPORT_MODES, type ImportHandler, type ImportMode, type ImportUser, RUNNING_IMPORT_STATUSES } from './import-job.types';
import { ImportRun } from './import-run';

export interface StartImportRequest {
  fileName: string;
  /** The request's content type (checked against the name and the content). */
  contentType?: string;
  mode?: ImportMode;
  user: ImportUser;
}

export interface ListImportJobsQuery {
  createdById?: string;
  page?: number;
  pageSize?: number;
}

/** How long a stopping replica lets its running imports roll back and record why. */
const ABORT_WAIT_MS = 5_000;

/**
 * Import jobs of any kind (customers, products, …): an upload is stored, validated row by row and
 * written in one transaction, or refused with a per-row report; see ImportHandler for the two
 * passes. A job runs in the background of the replica that received the upload; `start` answers
 * as soon as it is done or after `answerWithinMs`, and clients poll `get`.
 */
@Injectable()
export class ImportJobs implements OnModuleDestroy {
  /** This replica, as recorded in the jobs it runs. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly logger = new Logger('ImportJobs');
  private readonly running = new Map<string, { run: ImportRun<unknown>; done: Promise<void> }>();

  constructor(
    private readonly orm: MikroORM,
    @Inject(DATA_EXCHANGE_OPTIONS) private readonly options: ResolvedDataExchangeOptions,
  ) {}

  /**
   * Stores the upload (at most `maxUploadBytes`: 413 IMPORT.FILE_TOO_LARGE), checks it is a
   * complete .xlsx or a CSV matching its name (400 otherwise), creates the job and runs it. Resolves
   * with the finished job, or with it still running after `answerWithinMs`. A file refused as a whole
   * within that time (unknown or missing columns, unreadable) is thrown as its ImportError (400);
   * later, the job records it (`status: rejected`, `error`).
   */
  async start<Row>(kind: string, handler: ImportHandler<Row>, upload: Readable, request: StartImportRequest): Promise<ImportJobDto> {
    const mode = request.mode ?? 'all-or-nothing';
    if (!IMPORT_MODES.includes(mode)) {
      throw new ImportError(ImportErrorCode.InvalidRequest, `mode must be one of: ${IMPORT_MODES.join(', ')}`, [{ field: 'mode', message: `must be one of: ${IMPORT_MODES.join(', ')}` }]);
    }
    const fileName = cleanFileName(request.fileName);
    if (!fileName) throw new ImportError(ImportErrorCode.InvalidRequest, 'fileName is required', [{ field: 'fileName', message: 'should not be empty' }]);
    const hint = { fileName, contentType: request.contentType };
    assertDeclaredSpreadsheet(hint);
    const saved = await saveUpload(upload, { maxBytes: this.options.maxUploadBytes, dir: this.options.uploadDir });
    let run: ImportRun<Row>;
    let job: ImportJob;
    try {
      const format = await inspectSpreadsheetFile(saved.path, hint, this.options);
      job = new ImportJob({
        id: randomUUID(),
        kind,
        mode,
        fileName,
        fileSize: saved.bytes,
        createdById: request.user.id,
        createdByName: request.user.name.slice(0, 200),
        owner: this.owner,
      });
      job.startedAt = job.createdAt;
      await this.orm.em.fork().persist(job).flush();
      run = new ImportRun(this.orm, this.options, { jobId: job.id, kind, mode, fileName, user: request.user, handler, path: saved.path, format });
    } catch (error) {
      await removeUpload(saved.path);
      throw error;
    }
    const done = run
      .execute()
      .catch((error: Error) => this.logger.error(`import ${job.id} ended abnormally: ${error.stack ?? error.message}`))
      .finally(() => {
        this.running.delete(job.id);
        return removeUpload(saved.path).catch(() => undefined);
      });
    this.running.set(job.id, { run: run as ImportRun<unknown>, done });
    const finished = await Promise.race([done.then(() => true), delay(this.options.answerWithinMs, false, { ref: false })]);
    const view = await this.get(kind, job.id);
    if (finished && view.status === 'rejected' && view.error) {
      throw new ImportError(view.error.code as ImportErrorCode, view.error.message, view.error.errors);
    }
    return view;
  }

  /**
   * A job of this kind (404 IMPORT.JOB_NOT_FOUND otherwise). A running job of another replica whose
   * heartbeat is older than `staleAfterMs` is recorded and reported as failed: its replica stopped,
   * and its transaction never committed.
   */
  async get(kind: string, id: string): Promise<ImportJobDto> {
    const em = this.orm.em.fork();
    const job = await em.findOne(ImportJob, { id, kind });
    if (!job) throw new ImportError(ImportErrorCode.JobNotFound, `No ${kind} import job ${id}.`);
    if (await this.failIfStale(job)) return this.get(kind, id);
    return toImportJobDto(job);
  }

  /** Newest first. */
  async list(kind: string, query: ListImportJobsQuery = {}): Promise<{ items: ImportJobDto[]; total: number }> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const where = { kind, ...(query.createdById ? { createdById: query.createdById } : {}) };
    const [jobs, total] = await this.orm.em.fork().findAndCount(ImportJob, where, { orderBy: { createdAt: 'desc', id: 'asc' }, limit: pageSize, offset: (page - 1) * pageSize });
    const stale = await Promise.all(jobs.map((job) => this.failIfStale(job)));
    if (stale.some(Boolean)) return this.list(kind, query);
    return { items: jobs.map(toImportJobDto), total };
  }

  /** Whether this job was just marked failed. */
  private async failIfStale(job: ImportJob): Promise<boolean> {
    if (!RUNNING_IMPORT_STATUSES.includes(job.status) || this.running.has(job.id)) return false;
    const cutoff = new Date(Date.now() - this.options.staleAfterMs);
    if (job.heartbeatAt >= cutoff) return false;
    const now = new Date();
    const changed = await this.orm.em.fork().nativeUpdate(
      ImportJob,
      { id: job.id, status: { $in: [...RUNNING_IMPORT_STATUSES] }, heartbeatAt: { $lt: cutoff } },
      {
        status: 'failed',
        finishedAt: now,
        error: {
          code: 'IMPORT.OWNER_STOPPED',
          message: `The service replica running this import stopped (last sign of life ${job.heartbeatAt.toISOString()}); nothing was written. Upload the file again.`,
        },
      },
    );
    return changed > 0;
  }

  /** Running imports roll back and say why before the database closes. */
  async onModuleDestroy(): Promise<void> {
    const runs = [...this.running.values()];
    for (const { run } of runs) run.abort('The service stopped during the import');
    await Promise.race([Promise.all(runs.map(({ done }) => done)), delay(ABORT_WAIT_MS, undefined, { ref: false })]);
  }
}

/** The base name only, without control characters, at most 255 characters. */
function cleanFileName(fileName: string | undefined): string {
  const base = (fileName ?? '').replace(/\\/g, '/').split('/').pop() ?? '';
  return base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
}

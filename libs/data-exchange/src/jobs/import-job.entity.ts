import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { ImportCounts, ImportJobError, ImportJobStatus, ImportMode, ImportReport } from './import-job.types';

/**
 * One upload being imported, or its outcome. The replica that received the file runs it (`owner`)
 * and keeps `heartbeatAt` fresh; a running job whose heartbeat stopped is reported failed, and
 * since rows are written in one transaction, nothing of it was written. Platform table: a service
 * adds it to its entities with DATA_EXCHANGE_ENTITIES and to its migrations.
 */
@Entity({ tableName: 'import_job' })
@Index({ properties: ['kind', 'createdAt'] })
export class ImportJob {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string;

  /** What is imported, e.g. `customers`. */
  @Property({ type: 'string', length: 50 })
  kind: string;

  @Property({ type: 'string', length: 20 })
  status: ImportJobStatus = 'validating';

  @Property({ type: 'string', length: 20 })
  mode: ImportMode;

  @Property({ type: 'string', length: 255 })
  fileName: string;

  @Property({ type: 'integer' })
  fileSize: number;

  @Property({ type: 'string', length: 64 })
  createdById: string;

  @Property({ type: 'string', length: 200 })
  createdByName: string;

  @Property({ type: Date })
  createdAt: Date = new Date();

  @Property({ type: Date, nullable: true })
  startedAt: Date | null = null;

  @Property({ type: Date, nullable: true })
  finishedAt: Date | null = null;

  /** Data rows read so far by the validation pass (the file's row count once it is done). */
  @Property({ type: 'integer' })
  rowsRead = 0;

  /** Rows the import pass has handled so far (only while `importing`, and only on servers that commit progress beside a transaction). */
  @Property({ type: 'integer' })
  rowsImported = 0;

  @Property({ type: 'json' })
  counts: ImportCounts = { valid: 0, created: 0, updated: 0, rejected: 0, duplicates: 0 };

  /** Written once the job ends (null while running). Bounded: see ImportReport. */
  @Property({ type: 'json', nullable: true })
  report: ImportReport | null = null;

  @Property({ type: 'json', nullable: true })
  error: ImportJobError | null = null;

  /** Replica running the job (host:pid:random). */
  @Property({ type: 'string', length: 100 })
  owner: string;

  @Property({ type: Date })
  heartbeatAt: Date = new Date();

  constructor(init: { id: string; kind: string; mode: ImportMode; fileName: string; fileSize: number; createdById: string; createdByName: string; owner: string }) {
    this.id = init.id;
    this.kind = init.kind;
    this.mode = init.mode;
    this.fileName = init.fileName;
    this.fileSize = init.fileSize;
    this.createdById = init.createdById;
    this.createdByName = init.createdByName;
    this.owner = init.owner;
  }
}

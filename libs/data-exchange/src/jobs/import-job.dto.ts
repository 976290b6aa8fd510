import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { FieldErrorDto, UserRefDto } from '@crm/service-kit';
import type { ImportJob } from './import-job.entity';
import { IMPORT_JOB_STATUSES, IMPORT_MODES, ImportJobStatus, ImportMode, RUNNING_IMPORT_STATUSES } from './import-job.types';

/** `POST …/imports?fileName=customers.xlsx&mode=valid-only`, the file being the request body. */
export class StartImportQuery {
  @ApiProperty({ description: 'The uploaded file’s name; its extension (.xlsx or .csv) must match the content', example: 'customers.xlsx', maxLength: 255 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  fileName!: string;

  @ApiPropertyOptional({ enum: IMPORT_MODES, default: 'all-or-nothing', description: 'all-or-nothing: one rejected row and nothing is written; valid-only: the valid rows are written' })
  @IsOptional()
  @IsIn(IMPORT_MODES)
  mode?: ImportMode;
}

export class ImportCountsDto {
  @ApiProperty({ description: 'rows that passed validation' }) valid!: number;
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty({ description: 'rows naming an existing record (or an earlier row): reported, not written' }) duplicates!: number;
}

export class RowReportDto {
  @ApiProperty({ description: 'row number in the spreadsheet (the header is row 1)', example: 7 }) row!: number;
  @ApiProperty({ enum: ['created', 'updated', 'rejected', 'duplicate'] }) outcome!: string;
  @ApiPropertyOptional({ description: 'what identifies the row, e.g. the customer number or name' }) key?: string;
  @ApiPropertyOptional({ description: 'the record created, updated or duplicated' }) id?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'why, field by field' }) errors?: FieldErrorDto[];
}

export class ImportReportDto {
  @ApiProperty({ type: [RowReportDto], description: 'rows with problems (always, up to `limit`), and every row of a file within `limit` rows' })
  items!: RowReportDto[];
  @ApiProperty({ description: 'rows with problems were left out beyond `limit` (the counts are complete)' }) truncated!: boolean;
  @ApiProperty({ example: 1000 }) limit!: number;
}

export class ImportJobErrorDto {
  @ApiProperty({ example: 'IMPORT.MISSING_COLUMN' }) code!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
}

/** An import job as clients poll it. */
export class ImportJobDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'customers' }) kind!: string;
  @ApiProperty({ enum: IMPORT_JOB_STATUSES, description: 'validating → importing → completed; or rejected (nothing written) / failed' })
  status!: ImportJobStatus;
  @ApiProperty({ description: 'false while the job runs: poll GET …/imports/{id}' }) finished!: boolean;
  @ApiProperty({ enum: IMPORT_MODES }) mode!: ImportMode;
  @ApiProperty() fileName!: string;
  @ApiProperty({ description: 'bytes' }) fileSize!: number;
  @ApiProperty({ type: UserRefDto }) createdBy!: UserRefDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
  @ApiProperty({ description: 'data rows validated so far (all of them once importing)' }) rowsRead!: number;
  @ApiProperty({ description: 'rows handled by the import pass so far' }) rowsImported!: number;
  @ApiProperty({ type: ImportCountsDto }) counts!: ImportCountsDto;
  @ApiPropertyOptional({ type: ImportReportDto, nullable: true, description: 'once finished' }) report!: ImportReportDto | null;
  @ApiPropertyOptional({ type: ImportJobErrorDto, nullable: true, description: 'why the file was rejected as a whole, or the job failed' })
  error!: ImportJobErrorDto | null;
}

export function toImportJobDto(job: ImportJob): ImportJobDto {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    finished: !RUNNING_IMPORT_STATUSES.includes(job.status),
    mode: job.mode,
    fileName: job.fileName,
    fileSize: job.fileSize,
    createdBy: { id: job.createdById, name: job.createdByName },
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    rowsRead: job.rowsRead,
    rowsImported: job.rowsImported,
    counts: job.counts,
    report: job.report,
    error: job.error,
  };
}

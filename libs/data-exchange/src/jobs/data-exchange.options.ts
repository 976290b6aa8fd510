export interface DataExchangeOptions {
  /** Largest upload stored (default 50 MB, as the gateway's limit); more → 413 IMPORT.FILE_TOO_LARGE. */
  maxUploadBytes?: number;
  /** What a workbook may expand to when unzipped (default 1 GiB). */
  maxExpandedBytes?: number;
  /** Data rows per file (default 100,000); more → IMPORT.TOO_MANY_ROWS. */
  maxRows?: number;
  /** Where uploads wait while their job runs (default: the system's temporary directory). */
  uploadDir?: string;
  /** Rows per handler call, and per progress update (default 500). */
  batchSize?: number;
  /** `start` answers once the job is done or after this long, still running (default 1,500 ms). */
  answerWithinMs?: number;
  /** A running job's heartbeat (default 10 s). */
  heartbeatMs?: number;
  /** A running job without a heartbeat for this long is reported failed (default 60 s). */
  staleAfterMs?: number;
  /** Report lines kept per job (default 1,000): see ImportReport. */
  reportLimit?: number;
}

export type ResolvedDataExchangeOptions = Required<Omit<DataExchangeOptions, 'uploadDir'>> & { uploadDir?: string };

export const DATA_EXCHANGE_OPTIONS = Symbol('DATA_EXCHANGE_OPTIONS');

export function resolveDataExchangeOptions(options: DataExchangeOptions = {}): ResolvedDataExchangeOptions {
  return {
    maxUploadBytes: 50 * 1024 * 1024,
    maxExpandedBytes: 1024 * 1024 * 1024,
    maxRows: 100_000,
    batchSize: 500,
    answerWithinMs: 1_500,
    heartbeatMs: 10_000,
    staleAfterMs: 60_000,
    reportLimit: 1_000,
    ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)),
  };
}

import { codedErrors } from '@crm/contracts';

/** Why an upload, a file or an import job was refused. Every one is a 4xx: bad input is never a 500. */
export enum ImportErrorCode {
  /** Not sent as the raw request body with a spreadsheet content type. */
  NotAnUpload = 'IMPORT.NOT_AN_UPLOAD',
  FileTooLarge = 'IMPORT.FILE_TOO_LARGE',
  EmptyFile = 'IMPORT.EMPTY_FILE',
  /** Neither .xlsx nor .csv (an old .xls, a PDF, …). */
  UnsupportedFormat = 'IMPORT.UNSUPPORTED_FORMAT',
  /** The name or content type says one format, the content is the other. */
  FormatMismatch = 'IMPORT.FORMAT_MISMATCH',
  /** Corrupt, truncated, binary garbage, not UTF-8, malformed CSV quoting. */
  UnreadableFile = 'IMPORT.UNREADABLE_FILE',
  UnknownColumn = 'IMPORT.UNKNOWN_COLUMN',
  MissingColumn = 'IMPORT.MISSING_COLUMN',
  DuplicateColumn = 'IMPORT.DUPLICATE_COLUMN',
  NoRows = 'IMPORT.NO_ROWS',
  TooManyRows = 'IMPORT.TOO_MANY_ROWS',
  InvalidRequest = 'IMPORT.INVALID_REQUEST',
  JobNotFound = 'IMPORT.JOB_NOT_FOUND',
}

export class ImportError extends codedErrors<ImportErrorCode>({
  [ImportErrorCode.NotAnUpload]: 'invalid',
  [ImportErrorCode.FileTooLarge]: 'too_large',
  [ImportErrorCode.EmptyFile]: 'invalid',
  [ImportErrorCode.UnsupportedFormat]: 'invalid',
  [ImportErrorCode.FormatMismatch]: 'invalid',
  [ImportErrorCode.UnreadableFile]: 'invalid',
  [ImportErrorCode.UnknownColumn]: 'invalid',
  [ImportErrorCode.MissingColumn]: 'invalid',
  [ImportErrorCode.DuplicateColumn]: 'invalid',
  [ImportErrorCode.NoRows]: 'invalid',
  [ImportErrorCode.TooManyRows]: 'too_large',
  [ImportErrorCode.InvalidRequest]: 'invalid',
  [ImportErrorCode.JobNotFound]: 'not_found',
}) {}

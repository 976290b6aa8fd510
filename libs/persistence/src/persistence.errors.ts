/** Stable codes for everything this library refuses; operators grep logs for them. */
export enum PersistenceErrorCode {
  MissingUrl = 'PERSISTENCE.MISSING_DB_URL',
  InvalidService = 'PERSISTENCE.INVALID_SERVICE_NAME',
  InvalidMigrationName = 'PERSISTENCE.INVALID_MIGRATION_NAME',
  MissingMigrationsDir = 'PERSISTENCE.MISSING_MIGRATIONS_DIR',
  NoChanges = 'PERSISTENCE.NO_SCHEMA_CHANGES',
  OutOfSync = 'PERSISTENCE.SCHEMA_OUT_OF_SYNC',
  DdlSnapshotDrift = 'PERSISTENCE.DDL_SNAPSHOT_DRIFT',
  InvalidTextIndex = 'PERSISTENCE.INVALID_TEXT_INDEX',
}

export class PersistenceError extends Error {
  constructor(
    readonly code: PersistenceErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'PersistenceError';
  }
}

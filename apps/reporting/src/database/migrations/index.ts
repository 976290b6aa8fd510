import type { MigrationsForService } from '@crm/persistence';
import { mssqlMigrations } from './mssql';
import { postgresqlMigrations } from './postgresql';
import { sqliteMigrations } from './sqlite';

/** Versioned schema changes of the reporting schema, one list per SQL dialect (see tools/db). */
export const MIGRATIONS: MigrationsForService = {
  sqlite: sqliteMigrations,
  postgresql: postgresqlMigrations,
  mssql: mssqlMigrations,
};

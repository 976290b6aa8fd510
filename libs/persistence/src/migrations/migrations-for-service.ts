import type { MigrationsOptions } from '@mikro-orm/core';

export type DbDriverName = 'sqlite' | 'postgresql' | 'mssql';
export const DB_DRIVERS: readonly DbDriverName[] = ['sqlite', 'postgresql', 'mssql'];

/** A migration class (usually extending `Migration` from @mikro-orm/migrations). */
export type MigrationClass = NonNullable<MigrationsOptions['migrationsList']>[number];

/**
 * A service's versioned schema changes. SQL is dialect specific, so each driver has its own
 * ordered list (oldest first), kept as explicit class lists so compiled JS and ts-jest both run
 * them without globbing the file system.
 */
export interface MigrationsForService {
  /**
   * Folder holding one sub-folder per driver (`<dir>/postgresql/Migration…ts` + `index.ts`).
   * Only `createMigration` needs it; running migrations uses the lists below.
   */
  dir?: string;
  sqlite?: MigrationClass[];
  postgresql?: MigrationClass[];
  mssql?: MigrationClass[];
}

/// <reference types="jest" />
// Test support (describe/it): compiled with the libraries, never part of a production image.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { expectMssqlDdlSnapshot, initOrm, pendingSchemaDiff, runMigrations, type DatabaseSettings, type ServiceEntity, type ServiceOrmInput } from '@crm/persistence';

export interface ServiceSchemaSpec {
  service: string;
  entities: ServiceEntity[];
  ormInput: (db: DatabaseSettings) => ServiceOrmInput;
  /** The committed SQL Server DDL (refresh with UPDATE_DDL_SNAPSHOTS=1). */
  mssqlDdlFile: string;
  /** Checks on the migrated database, e.g. that a saved entity reloads unchanged; run on every driver. */
  verify?: (orm: MikroORM, input: ServiceOrmInput) => Promise<void>;
}

/**
 * The checks every service's schema gets: its committed migrations build exactly what its
 * entities describe on SQLite and PostgreSQL (and on a live SQL Server where one is available,
 * reported as skipped otherwise), its offline SQL Server DDL matches the committed snapshot, and
 * the service's own `verify` holds on each.
 */
export function describeServiceSchema(spec: ServiceSchemaSpec): void {
  const schemaName = `${spec.service}_t${process.env.CRM_TEST_RUN_ID ?? 'x'}`.replace(/[^a-z0-9_]/g, '');

  describe(`${spec.service} schema`, () => {
    let orm: MikroORM | undefined;
    afterEach(async () => {
      await orm?.close(true);
      orm = undefined;
    });

    async function migrateAndVerify(input: ServiceOrmInput): Promise<void> {
      const { executed } = await runMigrations(input);
      expect(executed.length).toBeGreaterThan(0);
      orm = await initOrm(input);
      expect(await pendingSchemaDiff(orm)).toBe('');
      await spec.verify?.(orm, input);
    }

    it('SQLite: the migrations produce the entities’ schema', async () => {
      const file = join(mkdtempSync(join(tmpdir(), `crm-${spec.service}-`)), `${spec.service}.sqlite`);
      const input = spec.ormInput({ DB_DRIVER: 'sqlite', DB_NAME: file });
      await migrateAndVerify(input);
      expect(await orm!.em.getConnection().execute('pragma journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    });

    it('PostgreSQL: the migrations produce the entities’ schema in the service’s own schema', async () => {
      const input = spec.ormInput({ DB_DRIVER: 'postgresql', DB_URL: process.env.CRM_TEST_PG_URL, DB_SCHEMA: schemaName });
      try {
        await migrateAndVerify(input);
      } finally {
        await orm?.em.getConnection().execute(`drop schema if exists "${schemaName}" cascade`);
      }
    });

    // Runs where a container runtime (or CRM_TEST_MSSQL_URL) provides a SQL Server; reported as
    // skipped otherwise, and the global setup prints why.
    const mssqlUrl = process.env.CRM_TEST_MSSQL_URL;
    (mssqlUrl ? it : it.skip)('SQL Server: the migrations run on a live server and produce the entities’ schema', async () => {
      await migrateAndVerify(spec.ormInput({ DB_DRIVER: 'mssql', DB_URL: mssqlUrl, DB_SCHEMA: schemaName }));
    });

    it('SQL Server: the DDL generated offline matches the committed snapshot', async () => {
      await expectMssqlDdlSnapshot({ service: spec.service, entities: spec.entities }, spec.mssqlDdlFile);
    });
  });
}

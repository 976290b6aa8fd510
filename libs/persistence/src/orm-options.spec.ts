import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MsSqlDriver } from '@mikro-orm/mssql';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { createOrmOptions } from './orm-options';
import { PersistenceError, PersistenceErrorCode } from './persistence.errors';
import { schemaNameFor } from './schema-name';

class Thing {}

describe('createOrmOptions', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'crm-orm-options-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('puts SQLite in a file whose folder it creates, with no global context', () => {
    const file = join(dir, 'nested/deeper/svc.sqlite');
    const options = createOrmOptions({ service: 'svc', entities: [Thing], db: { DB_DRIVER: 'sqlite', DB_NAME: file } });
    expect(options.driver).toBe(SqliteDriver);
    expect(options.dbName).toBe(file);
    expect(existsSync(join(dir, 'nested/deeper'))).toBe(true);
    expect(options.allowGlobalContext).toBe(false);
    expect(options.schema).toBeUndefined();
  });

  it('defaults SQLite to .data/<service>.sqlite under the working directory', () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const options = createOrmOptions({ service: 'identity-dev', entities: [Thing], db: { DB_DRIVER: 'sqlite' } });
      expect(options.dbName).toBe(join(process.cwd(), '.data/identity_dev.sqlite'));
      expect(existsSync(join(dir, '.data'))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it('gives PostgreSQL and SQL Server the service schema unless DB_SCHEMA says otherwise', () => {
    const pg = createOrmOptions({ service: 'identity-dev', entities: [Thing], db: { DB_DRIVER: 'postgresql', DB_URL: 'postgres://x@h/crm' } });
    expect(pg).toMatchObject({ driver: PostgreSqlDriver, clientUrl: 'postgres://x@h/crm', schema: 'identity_dev' });
    const mssql = createOrmOptions({
      service: 'marketing',
      entities: [Thing],
      db: { DB_DRIVER: 'mssql', DB_URL: 'mssql://sa:p@h:1433/crm', DB_NAME: 'crm', DB_SCHEMA: 'mkt' },
    });
    expect(mssql).toMatchObject({ driver: MsSqlDriver, dbName: 'crm', schema: 'mkt' });
  });

  it.each(['postgresql', 'mssql'] as const)('refuses %s without DB_URL, saying what is missing', (driver) => {
    const attempt = () => createOrmOptions({ service: 'svc', entities: [Thing], db: { DB_DRIVER: driver } });
    expect(attempt).toThrow(PersistenceError);
    expect(attempt).toThrow(/PERSISTENCE.MISSING_DB_URL: DB_DRIVER=.* needs DB_URL/);
  });

  it('makes schema names that need no quoting', () => {
    expect(schemaNameFor('Identity-Dev')).toBe('identity_dev');
    expect(schemaNameFor('2fa')).toBe('s_2fa');
    expect(() => schemaNameFor('--')).toThrow(expect.objectContaining({ code: PersistenceErrorCode.InvalidService }));
  });
});

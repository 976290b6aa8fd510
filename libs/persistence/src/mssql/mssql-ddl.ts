import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { createOrmOptions, type ServiceEntity } from '../orm-options';
import { sqlSchema } from '../orm';
import { PersistenceError, PersistenceErrorCode } from '../persistence.errors';

export interface MssqlDdlInput {
  service: string;
  entities: ServiceEntity[];
  /** Defaults to the service's schema name, as at run time. */
  schema?: string;
}

/**
 * The SQL Server DDL of a service's entities, generated from metadata alone (no server needed),
 * so a review shows what a model change means for SQL Server.
 */
export async function generateMssqlDdl(input: MssqlDdlInput): Promise<string> {
  const options = createOrmOptions({
    service: input.service,
    entities: input.entities,
    db: { DB_DRIVER: 'mssql', DB_URL: 'mssql://offline@localhost:1433/offline', DB_SCHEMA: input.schema },
  });
  // MikroORM 7 connects lazily: metadata discovery and DDL generation never reach a server.
  const orm = await MikroORM.init(options);
  try {
    const ddl = await sqlSchema(orm).getCreateSchemaSQL({ wrap: false });
    return `${ddl
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .trim()}\n`;
  } finally {
    await orm.close(true);
  }
}

export const UPDATE_DDL_SNAPSHOTS = 'UPDATE_DDL_SNAPSHOTS';

const header = (service: string) =>
  `-- SQL Server DDL of the ${service} service, generated offline from its entities.\n` +
  `-- Do not edit: refresh with ${UPDATE_DDL_SNAPSHOTS}=1 and the service's tests, then review the diff.\n\n`;

/**
 * Compares the service's SQL Server DDL with the committed `.sql` snapshot; with
 * UPDATE_DDL_SNAPSHOTS=1 it rewrites the file instead. A missing file fails too, so CI never
 * passes on a snapshot nobody committed.
 */
export async function expectMssqlDdlSnapshot(
  input: MssqlDdlInput,
  snapshotFile: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ updated: boolean }> {
  const actual = header(input.service) + (await generateMssqlDdl(input));
  const update = env[UPDATE_DDL_SNAPSHOTS] === '1' || env[UPDATE_DDL_SNAPSHOTS] === 'true';
  const expected = existsSync(snapshotFile) ? readFileSync(snapshotFile, 'utf8') : undefined;
  if (expected === actual) return { updated: false };
  if (update) {
    mkdirSync(dirname(snapshotFile), { recursive: true });
    writeFileSync(snapshotFile, actual);
    return { updated: true };
  }
  const where = relative(process.cwd(), snapshotFile) || snapshotFile;
  const how = `Run the test again with ${UPDATE_DDL_SNAPSHOTS}=1 to rewrite it, then review and commit ${where}.`;
  if (expected === undefined) {
    throw new PersistenceError(PersistenceErrorCode.DdlSnapshotDrift, `no SQL Server DDL snapshot at ${where}. ${how}`);
  }
  throw new PersistenceError(
    PersistenceErrorCode.DdlSnapshotDrift,
    `the SQL Server DDL of ${input.service} differs from ${where}:\n${firstDifference(expected, actual)}\n${how}`,
  );
}

function firstDifference(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `  line ${i + 1}\n  - ${a[i] ?? '(end of file)'}\n  + ${b[i] ?? '(end of file)'}`;
  }
  return '';
}

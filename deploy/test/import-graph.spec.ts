import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** The modules a compiled file loads, as a production process would load it (from dist/). */
function loadedBy(script: string, env: Record<string, string> = {}): string[] {
  const probe = `require(${JSON.stringify(join(ROOT, script))}); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`;
  const output = execFileSync(process.execPath, ['-r', join(ROOT, 'tools', 'register-paths.js'), '-e', probe], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(output) as string[];
}

/** The packages (or our own files) among `modules` that match. */
function matching(modules: string[], pattern: RegExp): string[] {
  const name = (file: string) => {
    if (!file.includes('node_modules/')) return file.replace(`${ROOT}/`, '');
    const parts = file.replace(/^.*node_modules\//, '').split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  };
  return [...new Set(modules.filter((m) => pattern.test(m)).map(name))];
}

/**
 * What production processes carry: never the development identity provider (or oidc-provider),
 * only the database driver that is configured, and in the gateway no database at all. Runs against dist/ (npm test builds first).
 */
describe('production import graphs', () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist', 'apps', 'gateway', 'src', 'app.module.js'))) {
      throw new Error('dist/ is missing: build first (npm test does)');
    }
  });

  it.each(['gateway', 'marketing', 'customer', 'sales-bridge', 'service-desk', 'reporting'])('%s loads neither the development identity provider nor oidc-provider', (app) => {
    const modules = loadedBy(`dist/apps/${app}/src/app.module.js`);
    expect(modules.length).toBeGreaterThan(100);
    expect(matching(modules, /libs\/identity\/src\/dev-provider\/|node_modules\/oidc-provider\//)).toEqual([]);
  });

  it('keeps the gateway (no database, no consumer) free of the ORM and the messaging platform', () => {
    const modules = loadedBy('dist/apps/gateway/src/app.module.js');
    expect(matching(modules, /node_modules\/@mikro-orm\/|node_modules\/@nestjs\/microservices\/|libs\/persistence\/|libs\/messaging\/src\/(outbox|inbox|consumer)\//)).toEqual([]);
  });

  it('loads the configured database driver and no other', () => {
    const script = `dist/libs/persistence/src/index.js`;
    const probe = (driver: string) => {
      const out = execFileSync(
        process.execPath,
        [
          '-r',
          join(ROOT, 'tools', 'register-paths.js'),
          '-e',
          `const p = require(${JSON.stringify(join(ROOT, script))}); p.createOrmOptions({ service: 'x', entities: [], db: { DB_DRIVER: '${driver}', DB_NAME: ':memory:', DB_URL: 'postgres://x@h/db' } });` +
            `process.stdout.write(JSON.stringify(Object.keys(require.cache)))`,
        ],
        { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      const drivers = ['@mikro-orm/sqlite', '@mikro-orm/postgresql', '@mikro-orm/mssql', 'better-sqlite3', 'pg', 'tedious'];
      return matching(JSON.parse(out) as string[], /node_modules\//).filter((name) => drivers.includes(name)).sort();
    };
    expect(probe('sqlite')).toEqual(['@mikro-orm/sqlite', 'better-sqlite3']);
    expect(probe('postgresql')).toEqual(['@mikro-orm/postgresql', 'pg']);
    expect(probe('mssql')).toEqual(['@mikro-orm/mssql', 'tedious']);
  });

  it('leaves exceljs unloaded until a file is imported or exported', () => {
    expect(matching(loadedBy('dist/apps/customer/src/app.module.js'), /node_modules\/exceljs\//)).toEqual([]);
  });
});

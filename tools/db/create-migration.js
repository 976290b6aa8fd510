// Developer tool: writes the next migration of a service for one SQL dialect from the difference
// between its entities and its existing migrations (see libs/persistence createMigration).
//   npm run db:migration -- <service> <name> [sqlite|postgresql|mssql|all]
// PostgreSQL needs DB_URL of a scratch-capable server (a throw-away schema is used); SQL Server
// works offline from the committed snapshot.
require('../register-paths');
const path = require('node:path');
const { createMigration } = require('@crm/persistence');

async function main() {
  const [service, name, which = 'all'] = process.argv.slice(2);
  if (!service || !name) throw new Error('usage: npm run db:migration -- <service> <name> [sqlite|postgresql|mssql|all]');
  const root = path.join(__dirname, '..', '..');
  const { ormInput } = require(path.join(root, 'dist', 'apps', service, 'src', 'database', 'orm-input.js'));
  const drivers = which === 'all' ? ['sqlite', 'postgresql', 'mssql'] : [which];
  for (const driver of drivers) {
    const db = { DB_DRIVER: driver, DB_URL: process.env.DB_URL ?? (driver === 'postgresql' ? 'postgres://postgres@127.0.0.1:5432/test' : undefined) };
    const input = ormInput(db);
    input.migrations = { ...input.migrations, dir: path.join(root, 'apps', service, 'src', 'database', 'migrations') };
    const created = await createMigration(input, name);
    console.log(created ? `${driver}: wrote ${path.relative(root, created.file)}` : `${driver}: no schema changes`);
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});

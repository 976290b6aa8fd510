// The migration step (a Kubernetes Job, or `npm start` before the service starts): applies this
// service's pending migrations to its own schema and exits. Services never migrate on boot.
//   migrate.js                   apply (needs the DDL credential)
//   migrate.js --check           exit 0 when the schema is current, 3 naming what is pending
//   migrate.js --wait [seconds]  the same, polled until current (a Deployment's init container,
//                                with the app's read-only view of the migrations table)
import 'reflect-metadata';
import { runMigrateCommand } from '@crm/persistence';
import { reportingConfig } from '../config/reporting.config';
import { ormInput, SERVICE_NAME } from './orm-input';

runMigrateCommand(ormInput(reportingConfig()), process.argv.slice(2), (level, msg) => {
  const stream = level === 'info' ? process.stdout : process.stderr;
  stream.write(JSON.stringify({ level, service: SERVICE_NAME, msg }) + '\n');
}).then((code) => {
  process.exitCode = code;
});

// The migration step (a Kubernetes Job, or `npm start` before the service starts): applies this
// service's pending migrations to its own schema and exits. Services never migrate on boot.
import 'reflect-metadata';
import { runMigrations } from '@crm/persistence';
import { marketingConfig } from '../config/marketing.config';
import { ormInput } from './orm-input';

runMigrations(ormInput(marketingConfig()))
  .then(({ executed }) => {
    process.stdout.write(
      JSON.stringify({ level: 'info', service: 'marketing', msg: executed.length ? `applied ${executed.join(', ')}` : 'schema up to date' }) + '\n',
    );
  })
  .catch((error: Error) => {
    process.stderr.write(JSON.stringify({ level: 'error', service: 'marketing', msg: `migration failed: ${error.message}` }) + '\n');
    process.exitCode = 1;
  });

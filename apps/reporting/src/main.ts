import 'reflect-metadata';
import { runService } from '@crm/service-kit';
import { AppModule } from './app.module';
import { reportingConfig } from './config/reporting.config';
import { SERVICE_NAME } from './database/orm-input';

const config = reportingConfig();
runService({ service: SERVICE_NAME, title: 'CRM reporting', module: AppModule.register(config) as never, env: config, consumes: true }).catch((error: Error) => {
  process.stderr.write(JSON.stringify({ level: 'error', service: SERVICE_NAME, msg: `failed to start: ${error.stack ?? error.message}` }) + '\n');
  process.exit(1);
});

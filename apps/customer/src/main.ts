import 'reflect-metadata';
import { installUploadParsers } from '@crm/data-exchange';
import { runService } from '@crm/service-kit';
import { AppModule } from './app.module';
import { customerConfig } from './config/customer.config';
import { SERVICE_NAME } from './database/orm-input';

const config = customerConfig();
runService({
  service: SERVICE_NAME,
  title: 'CRM customer service',
  module: AppModule.register(config) as never,
  env: config,
  consumes: true,
  // Imports take the file itself as the request body (csv, xlsx), streamed.
  configure: (app) => installUploadParsers(app.getHttpAdapter().getInstance()),
}).catch(
  (error: Error) => {
    process.stderr.write(JSON.stringify({ level: 'error', service: SERVICE_NAME, msg: `failed to start: ${error.stack ?? error.message}` }) + '\n');
    process.exit(1);
  },
);

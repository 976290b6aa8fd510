import 'reflect-metadata';
import { runService } from '@crm/service-kit';
import { AppModule } from './app.module';
import { serviceDeskConfig } from './config/service-desk.config';
import { SERVICE_NAME } from './database/orm-input';

const config = serviceDeskConfig();
runService({ service: SERVICE_NAME, title: 'CRM service desk', module: AppModule.register(config) as never, env: config, consumes: true }).catch(
  (error: Error) => {
    process.stderr.write(JSON.stringify({ level: 'error', service: SERVICE_NAME, msg: `failed to start: ${error.stack ?? error.message}` }) + '\n');
    process.exit(1);
  },
);

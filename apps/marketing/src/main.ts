import 'reflect-metadata';
import { runService } from '@crm/service-kit';
import { AppModule } from './app.module';
import { marketingConfig } from './config/marketing.config';
import { SERVICE_NAME } from './database/orm-input';

const config = marketingConfig();
runService({ service: SERVICE_NAME, title: 'CRM marketing service', module: AppModule.register(config) as never, env: config }).catch(
  (error: Error) => {
    process.stderr.write(JSON.stringify({ level: 'error', service: SERVICE_NAME, msg: `failed to start: ${error.stack ?? error.message}` }) + '\n');
    process.exit(1);
  },
);

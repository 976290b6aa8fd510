import { DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@crm/service-kit';
import { ReportingConfig } from './config/reporting.config';
import { ormInput, SERVICE_NAME } from './database/orm-input';
import { ReadModelsModule } from './read-models/read-models.module';
import { ReportsModule } from './reports/reports.module';

@Module({})
export class AppModule {
  static register(config: ReportingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Everything it reports on arrives as events: orders, customers, tickets, churn records.
        ServicePlatformModule.forService({ service: SERVICE_NAME, env: config, orm: ormInput(config), consumes: true }),
        ReadModelsModule.register(config.COMPANY_TIME_ZONE),
        ReportsModule,
      ],
    };
  }
}

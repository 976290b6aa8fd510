import { DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@crm/service-kit';
import { MarketingConfig } from './config/marketing.config';
import { ormInput, SERVICE_NAME } from './database/orm-input';
import { OpportunitiesModule } from './opportunities/opportunities.module';
import { PlansModule } from './plans/plans.module';

@Module({})
export class AppModule {
  static register(config: MarketingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServicePlatformModule.forService({ service: SERVICE_NAME, env: config, orm: ormInput(config) }), OpportunitiesModule, PlansModule],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@crm/service-kit';
import { CustomerConfig } from './config/customer.config';
import { ormInput, SERVICE_NAME } from './database/orm-input';
import { CustomersModule } from './customers/customers.module';
import { DictionaryModule } from './dictionary/dictionary.module';

@Module({})
export class AppModule {
  static register(config: CustomerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServicePlatformModule.forService({ service: SERVICE_NAME, env: config, orm: ormInput(config), consumes: true }),
        DictionaryModule,
        CustomersModule.register({ timeZone: config.COMPANY_TIME_ZONE }),
      ],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@crm/service-kit';
import { CustomerConfig } from './config/customer.config';
import { ormInput, SERVICE_NAME } from './database/orm-input';
import { CompanyCalendarModule } from './customers/company-calendar';
import { CustomersModule } from './customers/customers.module';
import { TransferModule } from './transfer/transfer.module';
import { DictionaryModule } from './dictionary/dictionary.module';
import { ChurnModule } from './churn/churn.module';
import { OrdersModule } from './orders/orders.module';

@Module({})
export class AppModule {
  static register(config: CustomerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServicePlatformModule.forService({ service: SERVICE_NAME, env: config, orm: ormInput(config), consumes: true }),
        CompanyCalendarModule.forRoot(config.COMPANY_TIME_ZONE),
        DictionaryModule,
        CustomersModule,
        TransferModule.register({ answerWithinMs: config.IMPORT_ANSWER_WITHIN_MS }),
        ChurnModule,
        OrdersModule,
      ],
    };
  }
}

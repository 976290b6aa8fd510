import { DynamicModule, Module } from '@nestjs/common';
import { DataExchangeModule } from '@crm/data-exchange';
import { CustomersModule } from '../customers/customers.module';
import { CustomerTransferController } from './customer-transfer.controller';

/** Customers in and out of spreadsheets (import jobs, export, template). */
@Module({})
export class TransferModule {
  static register(options: { answerWithinMs: number }): DynamicModule {
    return {
      module: TransferModule,
      imports: [DataExchangeModule.forRoot({ answerWithinMs: options.answerWithinMs }), CustomersModule],
      controllers: [CustomerTransferController],
    };
  }
}

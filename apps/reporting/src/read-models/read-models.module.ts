import { DynamicModule, Module } from '@nestjs/common';
import { CompanyCalendar } from '@crm/config';
import { ChurnFacts } from '../churn/churn-facts';
import { CustomerFacts } from '../customers/customer-facts';
import { ChurnChangedConsumer } from '../messaging/churn-changed.consumer';
import { CustomerChangedConsumer } from '../messaging/customer-changed.consumer';
import { OrderRecordedConsumer } from '../messaging/order-recorded.consumer';
import { TicketChangedConsumer } from '../messaging/ticket-changed.consumer';
import { OrderFacts } from '../orders/order-facts';
import { TicketFacts } from '../tickets/ticket-facts';

/**
 * The read models, built only from events (contract "Event flows"): each consumer keeps the
 * latest version of its aggregates as facts and moves the reports' pre-aggregated rows by the
 * difference, in the transaction of the inbox mark.
 */
@Module({})
export class ReadModelsModule {
  static register(timeZone: string): DynamicModule {
    return {
      module: ReadModelsModule,
      controllers: [OrderRecordedConsumer, CustomerChangedConsumer, TicketChangedConsumer, ChurnChangedConsumer],
      providers: [OrderFacts, CustomerFacts, TicketFacts, ChurnFacts, { provide: CompanyCalendar, useValue: new CompanyCalendar(timeZone) }],
    };
  }
}

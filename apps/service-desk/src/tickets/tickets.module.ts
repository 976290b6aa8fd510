import { DynamicModule, Module } from '@nestjs/common';
import { CompanyCalendar } from '@crm/config';
import { CustomerCopyModule, DictionaryCopyModule } from '@crm/reference-data';
import { TicketsController } from './tickets.controller';
import { TicketsService } from './tickets.service';

@Module({})
export class TicketsModule {
  /** `timeZone`: COMPANY_TIME_ZONE, the zone of the archive query's calendar dates. */
  static register(timeZone: string): DynamicModule {
    return {
      module: TicketsModule,
      // The desk's copies of customers and of the data dictionary, kept from the customer service's events.
      imports: [CustomerCopyModule, DictionaryCopyModule],
      controllers: [TicketsController],
      providers: [TicketsService, { provide: CompanyCalendar, useValue: new CompanyCalendar(timeZone) }],
    };
  }
}

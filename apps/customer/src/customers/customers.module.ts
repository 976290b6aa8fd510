import { DynamicModule, Module } from '@nestjs/common';
import { ContactsController } from '../contacts/contacts.controller';
import { ContactsService } from '../contacts/contacts.service';
import { ActivitiesController } from '../activities/activities.controller';
import { ActivitiesService } from '../activities/activities.service';
import { OpportunitySucceededConsumer } from '../messaging/opportunity-succeeded.consumer';
import { COMPANY_TIME_ZONE } from './company-calendar';
import { CustomerFromOpportunity } from './customer-from-opportunity';
import { CustomerNumbers } from './customer-numbers';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';

/** Customers with their contacts and interaction records, and the customer a successful opportunity leads to. */
@Module({})
export class CustomersModule {
  static register(options: { timeZone: string }): DynamicModule {
    return {
      module: CustomersModule,
      controllers: [CustomersController, ContactsController, ActivitiesController, OpportunitySucceededConsumer],
      providers: [
        { provide: COMPANY_TIME_ZONE, useValue: options.timeZone },
        CustomersService,
        CustomerNumbers,
        CustomerFromOpportunity,
        ContactsService,
        ActivitiesService,
      ],
      exports: [CustomersService, CustomerNumbers],
    };
  }
}

import { Module } from '@nestjs/common';
import { ContactsController } from '../contacts/contacts.controller';
import { ContactsService } from '../contacts/contacts.service';
import { ActivitiesController } from '../activities/activities.controller';
import { ActivitiesService } from '../activities/activities.service';
import { OpportunitySucceededConsumer } from '../messaging/opportunity-succeeded.consumer';
import { CustomerFromOpportunity } from './customer-from-opportunity';
import { CustomerNumbers } from './customer-numbers';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';

/** Customers with their contacts and interaction records, and the customer a successful opportunity leads to. */
@Module({
  controllers: [CustomersController, ContactsController, ActivitiesController, OpportunitySucceededConsumer],
  providers: [CustomersService, CustomerNumbers, CustomerFromOpportunity, ContactsService, ActivitiesService],
  exports: [CustomersService, CustomerNumbers],
})
export class CustomersModule {}

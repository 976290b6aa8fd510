import { Module } from '@nestjs/common';
import { ContactsController } from '../contacts/contacts.controller';
import { ContactsService } from '../contacts/contacts.service';
import { ActivitiesController } from '../activities/activities.controller';
import { ActivitiesService } from '../activities/activities.service';
import { OpportunitySucceededConsumer } from '../messaging/opportunity-succeeded.consumer';
import { CustomerFromOpportunity } from './customer-from-opportunity';
import { CustomerNumbers } from './customer-numbers';
import { CustomerRepublish } from './customer-republish';
import { CustomerRepublishController } from './customer-republish.controller';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';

/** Customers with their contacts and interaction records, and the customer a successful opportunity leads to. */
@Module({
  controllers: [CustomersController, CustomerRepublishController, ContactsController, ActivitiesController, OpportunitySucceededConsumer],
  providers: [CustomersService, CustomerNumbers, CustomerFromOpportunity, CustomerRepublish, ContactsService, ActivitiesService],
  exports: [CustomersService, CustomerNumbers],
})
export class CustomersModule {}

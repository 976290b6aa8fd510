import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import type { EventData, OpportunitySucceededV1 } from '@crm/contracts';
import { Contact } from '../contacts/contact.entity';
import { Customer } from './customer.entity';
import { CustomerNumbers } from './customer-numbers';
import { CustomerOrigin } from './customer-origin.entity';
import { CustomersService } from './customers.service';

/**
 * 开发成功 → a new customer (requirements §1.2): name from the opportunity, its manager the
 * assignee, a first contact from its contact and phone. Runs inside the consuming handler's
 * transaction, so the customer, its origin row, its contact and its event commit with the inbox
 * mark — and the origin's key makes a second customer for one opportunity impossible.
 */
@Injectable()
export class CustomerFromOpportunity {
  constructor(
    private readonly numbers: CustomerNumbers,
    private readonly customers: CustomersService,
  ) {}

  async execute(em: EntityManager, opportunity: EventData<typeof OpportunitySucceededV1>): Promise<Customer | null> {
    if (await em.findOne(CustomerOrigin, { opportunityId: opportunity.opportunityId })) return null;
    const [customerNo] = await this.numbers.allocate(em);
    const customer = new Customer(customerNo, { name: opportunity.customerName }, opportunity.assignee, opportunity.assignee);
    customer.sourceOpportunityId = opportunity.opportunityId;
    em.persist(customer);
    em.persist(new CustomerOrigin(opportunity.opportunityId, customer.id));
    if (opportunity.contact) {
      em.persist(
        new Contact(customer.id, {
          name: opportunity.contact,
          gender: null,
          position: null,
          officePhone: opportunity.contactPhone,
          mobile: null,
          memo: null,
        }),
      );
    }
    this.customers.recordCreated(em, customer);
    return customer;
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import type { AuthenticatedUser } from '@crm/auth';
import { Page, PageQueryDto, toPage } from '@crm/service-kit';
import { CustomersService } from '../customers/customers.service';
import { CustomerErrorCode } from '../customers/customer.errors';
import { findBelonging } from '../customers/belonging-record';
import { Contact } from './contact.entity';
import { CreateContactDto, UpdateContactDto } from './dto/contact.dto';

/** A customer's contacts (§2.2): read by everyone, changed by its manager or a supervisor while it is normal. */
@Injectable()
export class ContactsService {
  constructor(
    private readonly em: EntityManager,
    private readonly customers: CustomersService,
  ) {}

  async list(customerId: string, query: PageQueryDto): Promise<Page<Contact>> {
    await this.customers.get(customerId);
    const [items, total] = await this.em.findAndCount(
      Contact,
      { customerId },
      { orderBy: { createdAt: 'asc', id: 'asc' }, limit: query.pageSize, offset: query.offset },
    );
    return toPage(items, total, query);
  }

  add(user: AuthenticatedUser, customerId: string, dto: CreateContactDto): Promise<Contact> {
    return this.customers.changeBelonging(user, customerId, async (em) => {
      const contact = new Contact(customerId, { ...dto, mobile: dto.mobile ?? null, memo: dto.memo ?? null });
      em.persist(contact);
      return contact;
    });
  }

  update(user: AuthenticatedUser, customerId: string, contactId: string, dto: UpdateContactDto, expectedVersion?: number): Promise<Contact> {
    return this.customers.changeBelonging(user, customerId, async (em) => {
      const contact = await findBelonging(em, Contact, customerId, contactId, expectedVersion, CustomerErrorCode.ContactNotFound);
      contact.edit(dto);
      return contact;
    });
  }

  remove(user: AuthenticatedUser, customerId: string, contactId: string, expectedVersion?: number): Promise<void> {
    return this.customers.changeBelonging(user, customerId, async (em) => {
      em.remove(await findBelonging(em, Contact, customerId, contactId, expectedVersion, CustomerErrorCode.ContactNotFound));
    });
  }
}

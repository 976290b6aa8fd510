import { Injectable } from '@nestjs/common';
import { EntityManager, FilterQuery, OptimisticLockError } from '@mikro-orm/core';
import { CustomerCreatedV1, CustomerUpdatedV1, DICTIONARY_CATEGORIES, UserRef } from '@crm/contracts';
import { type AuthenticatedUser, userRefOf } from '@crm/auth';
import { UserDirectory } from '@crm/identity';
import { EventOutbox } from '@crm/messaging';
import { containsConditions, findPageByText, NEWEST_FIRST } from '@crm/persistence';
import { DictionaryLookup } from '@crm/reference-data';
import { Page, toPage } from '@crm/service-kit';
import { CustomerOrderActivity } from '../orders/customer-order-activity.entity';
import { Customer, CustomerDetails, missingRequired } from './customer.entity';
import { CustomerError, CustomerErrorCode } from './customer.errors';
import { CustomerNumbers } from './customer-numbers';
import { customerSnapshot } from './customer-snapshot';
import { CreateCustomerDto } from './dto/create-customer.dto';
import { CustomerFilters, ListCustomersQuery } from './dto/list-customers.query';
import { UpdateCustomerDto } from './dto/update-customer.dto';

const isSupervisor = (user: AuthenticatedUser) => user.roles.includes('supervisor');

/**
 * Customers (requirements §2.1). Everyone signed in reads them; only a customer's manager or a
 * supervisor changes one, and only while it is normal. Every change commits with its event.
 */
@Injectable()
export class CustomersService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: EventOutbox,
    private readonly users: UserDirectory,
    private readonly dictionary: DictionaryLookup,
    private readonly numbers: CustomerNumbers,
  ) {}

  async list(query: ListCustomersQuery): Promise<Page<Customer>> {
    const offset = (query.page - 1) * query.pageSize;
    if (!query.name) {
      const [items, total] = await this.em.findAndCount(Customer, this.filter(query), { orderBy: NEWEST_FIRST, limit: query.pageSize, offset });
      return toPage(items, total, query);
    }
    // Found through the name's text index (Customer's @TextIndex); where there is none, the name
    // index covering (name, status, created_at, id) gives the keys of sparse matches alone.
    const [items, total] = await findPageByText(this.em, Customer, this.filtersBesideName(query), { name: query.name }, offset, query.pageSize);
    return toPage(items, total, query);
  }

  /** The list's filters as a query; the export streams the same selection. */
  filter(query: CustomerFilters): FilterQuery<Customer> {
    return { $and: [...this.filtersBesideName(query), ...containsConditions<Customer>({ name: query.name })] };
  }

  private filtersBesideName(query: CustomerFilters): FilterQuery<Customer>[] {
    // `<> deleted`, not `in (normal, churned)`: SQLite without statistics reads an IN as two exact
    // lookups, takes the status index and sorts every row (50 ms at 100,000); this walks
    // customer_created_idx in order and stops after a page.
    const where: FilterQuery<Customer>[] = [query.status ? { status: query.status } : { status: { $ne: 'deleted' } }];
    if (query.customerNo) where.push({ customerNo: prefixRange(query.customerNo) });
    if (query.region) where.push({ region: query.region });
    if (query.level) where.push({ level: query.level });
    if (query.managerId) where.push({ managerId: query.managerId });
    return where;
  }

  /** The latest order date known for each of these customers (one query), by customer number. */
  async lastOrderDates(customers: readonly Customer[]): Promise<Map<string, string>> {
    if (customers.length === 0) return new Map();
    const activities = await this.em.find(CustomerOrderActivity, { customerNo: { $in: customers.map((customer) => customer.customerNo) } }, { fields: ['customerNo', 'lastOrderDate'] });
    return new Map(activities.map((activity) => [activity.customerNo, activity.lastOrderDate]));
  }

  async get(id: string): Promise<Customer> {
    const customer = await this.em.findOne(Customer, { id });
    if (!customer) throw new CustomerError(CustomerErrorCode.NotFound, `No customer ${id}.`);
    return customer;
  }

  /** A complete customer entered by hand: a manager's own, or a supervisor's for any active manager. */
  async create(user: AuthenticatedUser, dto: CreateCustomerDto): Promise<Customer> {
    const manager = await this.managerFor(user, dto.managerId);
    const { managerId: _ignored, ...details } = dto;
    const missing = missingRequired(details);
    if (missing.length) throw new CustomerError(CustomerErrorCode.Incomplete, 'A customer needs every required field (*).', missing);
    await this.assertOptions(details);
    return this.em.transactional(async (em) => {
      const [customerNo] = await this.numbers.allocate(em);
      const customer = new Customer(customerNo, details, manager, userRefOf(user));
      em.persist(customer);
      this.recordCreated(em, customer);
      return customer;
    });
  }

  async update(user: AuthenticatedUser, id: string, dto: UpdateCustomerDto, expectedVersion?: number): Promise<Customer> {
    const { managerId, ...details } = dto;
    await this.assertOptions(details);
    const manager = managerId === undefined ? undefined : await this.reassignmentTarget(user, managerId);
    return this.change(user, id, expectedVersion, async (customer, em) => {
      const changed = customer.edit(details);
      if (manager && customer.reassign(manager)) changed.push('manager');
      if (changed.length) this.recordUpdated(em, customer, changed, userRefOf(user));
    });
  }

  /** Soft delete by a supervisor: status deleted, hidden from lists unless asked for. */
  async remove(user: AuthenticatedUser, id: string, expectedVersion?: number): Promise<Customer> {
    if (!isSupervisor(user)) throw new CustomerError(CustomerErrorCode.DeleteForbidden, 'Only a supervisor may delete a customer.');
    // A churned customer may be deleted too; only the supervisor check applies.
    const gate = () => undefined;
    return this.change(
      user,
      id,
      expectedVersion,
      async (customer, em) => {
        customer.softDelete();
        this.recordUpdated(em, customer, ['status'], userRefOf(user));
      },
      gate,
    );
  }

  /**
   * Loads a customer for a change in its own transaction: 404, 412 for a stale If-Match, 403 for
   * someone who is neither its manager nor a supervisor, 409 unless normal; a concurrent commit
   * caught at flush is a 409.
   */
  async change(
    user: AuthenticatedUser,
    id: string,
    expectedVersion: number | undefined,
    apply: (customer: Customer, em: EntityManager) => Promise<void>,
    gate: (customer: Customer) => void = (customer) => customer.assertChangeableBy(user),
  ): Promise<Customer> {
    return this.withCustomer(id, async (customer, em) => {
      if (expectedVersion !== undefined && expectedVersion !== customer.version) {
        throw new CustomerError(
          CustomerErrorCode.VersionMismatch,
          `The customer is at version ${customer.version}, not ${expectedVersion}: someone changed it since you read it.`,
        );
      }
      gate(customer);
      await apply(customer, em);
      return customer;
    });
  }

  /** The same gate for a change to one of its contacts or interaction records. */
  changeBelonging<T>(user: AuthenticatedUser, customerId: string, work: (em: EntityManager, customer: Customer) => Promise<T>): Promise<T> {
    return this.withCustomer(customerId, async (customer, em) => {
      customer.assertChangeableBy(user);
      return work(em, customer);
    });
  }

  private async withCustomer<T>(id: string, work: (customer: Customer, em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.em.transactional(async (em) => {
        const customer = await em.findOne(Customer, { id });
        if (!customer) throw new CustomerError(CustomerErrorCode.NotFound, `No customer ${id}.`);
        return work(customer, em);
      });
    } catch (error) {
      if (error instanceof OptimisticLockError) {
        throw new CustomerError(CustomerErrorCode.ConcurrentUpdate, 'The record was changed by someone else meanwhile; reload and retry.');
      }
      throw error;
    }
  }

  /** Region and level must be items of their dictionary categories (400 naming each field). */
  async assertOptions(details: Partial<CustomerDetails>): Promise<void> {
    await this.dictionary.assertValid([
      { field: 'region', category: DICTIONARY_CATEGORIES.region, value: details.region },
      { field: 'level', category: DICTIONARY_CATEGORIES.customerLevel, value: details.level },
    ]);
  }

  recordCreated(em: EntityManager, customer: Customer): void {
    this.outbox.record(
      em,
      CustomerCreatedV1,
      { ...customerSnapshot(customer), sourceOpportunityId: customer.sourceOpportunityId, createdBy: customer.createdBy },
      { subject: customer.id },
    );
  }

  recordUpdated(em: EntityManager, customer: Customer, changedFields: string[], changedBy: UserRef): void {
    this.outbox.record(em, CustomerUpdatedV1, { ...customerSnapshot(customer), changedFields, changedBy }, { subject: customer.id });
  }

  private async managerFor(user: AuthenticatedUser, managerId: string | undefined): Promise<UserRef> {
    if (!isSupervisor(user)) {
      if (managerId !== undefined && managerId !== user.id) {
        throw new CustomerError(CustomerErrorCode.ReassignForbidden, 'A manager creates customers for themselves; a supervisor picks the manager.');
      }
      return userRefOf(user);
    }
    if (managerId === undefined) {
      throw new CustomerError(CustomerErrorCode.Incomplete, 'A supervisor must name the customer’s manager.', [
        { field: 'managerId', message: 'managerId is required (*) when a supervisor creates a customer' },
      ]);
    }
    return this.activeManager(managerId);
  }

  private async reassignmentTarget(user: AuthenticatedUser, managerId: string): Promise<UserRef> {
    if (!isSupervisor(user)) throw new CustomerError(CustomerErrorCode.ReassignForbidden, 'Only a supervisor may give a customer to another manager.');
    return this.activeManager(managerId);
  }

  async activeManager(managerId: string): Promise<UserRef> {
    const manager = await this.users.findUser(managerId);
    if (!manager || !manager.enabled || !manager.roles.includes('manager')) {
      throw new CustomerError(CustomerErrorCode.ManagerInvalid, 'The manager must be an active account manager.', [
        { field: 'managerId', message: 'must be the id of an active account manager' },
      ]);
    }
    return { id: manager.id, name: manager.name };
  }
}

/**
 * "Starts with" for customer numbers ([0-9A-Z]) as a range, which every database answers from the
 * unique index (a LIKE prefix would not use it on SQLite): KH2026 → [KH2026, KH2027).
 */
export function prefixRange(prefix: string): { $gte: string; $lt?: string } {
  const digits = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (let end = prefix.length - 1; end >= 0; end--) {
    const next = digits.indexOf(prefix[end]) + 1;
    if (next > 0 && next < digits.length) return { $gte: prefix, $lt: prefix.slice(0, end) + digits[next] };
  }
  return { $gte: prefix };
}

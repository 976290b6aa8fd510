import { Injectable } from '@nestjs/common';
import { EntityManager, FilterQuery, OptimisticLockError } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { ChurnConfirmedV1, ChurnDeferredV1, Role } from '@crm/contracts';
import { type AuthenticatedUser, userRefOf } from '@crm/auth';
import { EventOutbox } from '@crm/messaging';
import { containsConditions } from '@crm/persistence';
import { Page, toPage } from '@crm/service-kit';
import { Customer } from '../customers/customer.entity';
import { CustomersService } from '../customers/customers.service';
import { ChurnRecord } from './churn-record.entity';
import { ChurnError, ChurnErrorCode } from './churn.errors';
import { churnCustomerOf, churnSnapshot } from './churn-snapshot';
import { Clock } from './clock';
import { AddChurnMeasureDto, ConfirmChurnDto, ListChurnRecordsQuery } from './dto/churn-record.dto';

/** A record with its customer as it is now (whose manager decides who may see and act on it). */
export interface ChurnRecordView {
  record: ChurnRecord;
  customer?: Customer;
}

/** Roles that read every churn record; a manager reads those of their own customers. */
const READS_ALL: readonly Role[] = ['admin', 'supervisor', 'executive'];
const readsAll = (user: AuthenticatedUser) => user.roles.some((role) => READS_ALL.includes(role));
const isManagerOf = (user: AuthenticatedUser, customer: Customer) => user.roles.includes('manager') && customer.managerId === user.id;

const NEWEST_WARNING_FIRST = { warnedAt: 'desc', id: 'desc' } as const;

/**
 * Churn records (requirements §2.5) as users handle them. Who may see and act follows the
 * customer's manager as it is now, read from the customer (a reassigned customer's records go
 * with it): a manager sees and acts on their customers' records only; supervisors, executives and
 * admins read all; only the customer's manager takes measures and confirms.
 */
@Injectable()
export class ChurnRecordsService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: EventOutbox,
    private readonly customers: CustomersService,
    private readonly clock: Clock,
  ) {}

  /** Newest warning first. A manager's page is always of their own customers (another manager's id: empty). */
  async list(user: AuthenticatedUser, query: ListChurnRecordsQuery): Promise<Page<ChurnRecordView>> {
    const managerId = readsAll(user) ? query.managerId : user.id;
    if (query.managerId !== undefined && query.managerId !== managerId) return toPage([], 0, query);
    const where: FilterQuery<ChurnRecord>[] = [];
    if (query.status) where.push({ status: query.status });
    const ofCustomers: FilterQuery<Customer>[] = [...containsConditions<Customer>({ name: query.customerName })];
    if (managerId) ofCustomers.push({ managerId });
    if (ofCustomers.length > 0) {
      // The customer's current name and manager, as a subquery: one query for the page, one for its count.
      const ids = (this.em as SqlEntityManager).createQueryBuilder(Customer, 'c').select('c.id').where({ $and: ofCustomers } as FilterQuery<Customer> as never);
      where.push({ customerId: { $in: ids as never } });
    }
    const [records, total] = await this.em.findAndCount(ChurnRecord, where.length > 0 ? { $and: where } : {}, {
      orderBy: NEWEST_WARNING_FIRST,
      limit: query.pageSize,
      offset: query.offset,
      populate: ['measures'],
    });
    const customerIds = [...new Set(records.map((record) => record.customerId))];
    const customers = customerIds.length > 0 ? await this.em.find(Customer, { id: { $in: customerIds } }) : [];
    const byId = new Map(customers.map((customer) => [customer.id, customer]));
    return toPage(
      records.map((record) => ({ record, customer: byId.get(record.customerId) })),
      total,
      query,
    );
  }

  /** One record: 404 when there is none, 403 for a manager whose customer it is not. */
  async get(user: AuthenticatedUser, id: string): Promise<ChurnRecordView> {
    const view = await this.load(this.em, id);
    if (!readsAll(user) && !(view.customer && isManagerOf(user, view.customer))) {
      throw new ChurnError(ChurnErrorCode.NotManager, 'A manager reads only the churn records of their own customers.');
    }
    return view;
  }

  /** 暂缓流失: appends a measure (the customer's manager; again and again while open) → deferred. */
  addMeasure(user: AuthenticatedUser, id: string, dto: AddChurnMeasureDto): Promise<ChurnRecordView> {
    return this.change(user, id, async (record, _customer, em) => {
      record.defer(dto.measure, userRefOf(user), this.clock.now());
      this.outbox.record(em, ChurnDeferredV1, churnSnapshot(record), { subject: record.id });
    });
  }

  /** 确认流失: confirmed with a reason after at least one measure; the customer becomes churned, in one transaction. */
  confirm(user: AuthenticatedUser, id: string, dto: ConfirmChurnDto): Promise<ChurnRecordView> {
    return this.change(user, id, async (record, customer, em) => {
      const at = this.clock.now();
      record.confirm(dto.reason, at);
      customer.markChurned(at);
      this.outbox.record(em, ChurnConfirmedV1, churnSnapshot(record), { subject: record.id });
      this.customers.recordUpdated(em, customer, ['status'], userRefOf(user));
    });
  }

  /**
   * A change by the customer's manager in its own transaction: 404, 403 for anyone else (a
   * supervisor too: §2.5 gives churn handling to the manager), the rule's 409s; a concurrent change
   * caught at commit is a 409 as well.
   */
  private async change(
    user: AuthenticatedUser,
    id: string,
    apply: (record: ChurnRecord, customer: Customer, em: EntityManager) => Promise<void>,
  ): Promise<ChurnRecordView> {
    try {
      return await this.em.transactional(async (em) => {
        const view = await this.load(em, id);
        const { record, customer } = view;
        if (!customer || !isManagerOf(user, customer)) {
          throw new ChurnError(ChurnErrorCode.NotManager, 'Only the customer’s manager handles its churn record.');
        }
        record.follow(churnCustomerOf(customer));
        await apply(record, customer, em);
        return view;
      });
    } catch (error) {
      if (error instanceof OptimisticLockError) {
        throw new ChurnError(ChurnErrorCode.ConcurrentUpdate, 'The churn record was changed by someone else meanwhile; reload and retry.');
      }
      throw error;
    }
  }

  private async load(em: EntityManager, id: string): Promise<ChurnRecordView> {
    const record = await em.findOne(ChurnRecord, { id }, { populate: ['measures'] });
    if (!record) throw new ChurnError(ChurnErrorCode.NotFound, `No churn record ${id}.`);
    const customer = (await em.findOne(Customer, { id: record.customerId })) ?? undefined;
    return { record, customer };
  }
}

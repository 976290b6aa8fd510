import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import { ChurnClosedV1 } from '@crm/contracts';
import { EventOutbox } from '@crm/messaging';
import { COMPANY_TIME_ZONE } from '../customers/company-calendar';
import { Customer } from '../customers/customer.entity';
import { ChurnRecord } from './churn-record.entity';
import { churnCustomerOf, churnSnapshot } from './churn-snapshot';
import { Clock } from './clock';
import { churnCutoff } from './six-months';

/** An order as the churn rules need it (from sales.order.recorded.v1). */
export interface OrderSeen {
  orderNo: string;
  customerNo: string;
  /** YYYY-MM-DD */
  orderDate: string;
}

/**
 * "If a warned customer orders again before confirmation, the warning is closed automatically"
 * (requirements §2.5, beyond the spec): an open record (warning or deferred) is closed by an order
 * dated on or after its cutoff — the day six months before the company date it was warned on — so
 * the customer did order within the six months after all (a reorder, or an order the scan did not
 * know of yet). An older order, arriving late, closes nothing. Runs in the consuming handler's
 * transaction, so the close and its event commit with the inbox mark.
 */
@Injectable()
export class CloseOnReorder {
  constructor(
    private readonly outbox: EventOutbox,
    private readonly clock: Clock,
    @Inject(COMPANY_TIME_ZONE) private readonly timeZone: string,
  ) {}

  async execute(em: EntityManager, order: OrderSeen): Promise<ChurnRecord | undefined> {
    const customer = await em.findOne(Customer, { customerNo: order.customerNo });
    if (!customer) return undefined;
    const record = await em.findOne(ChurnRecord, { openKey: customer.id }, { populate: ['measures'] });
    if (!record?.isOpen || order.orderDate < churnCutoff(record.warnedAt, this.timeZone)) return undefined;
    record.follow(churnCustomerOf(customer));
    record.close(order.orderNo, this.clock.now());
    this.outbox.record(em, ChurnClosedV1, { ...churnSnapshot(record), closedByOrderNo: order.orderNo }, { subject: record.id });
    return record;
  }
}

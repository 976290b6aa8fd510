import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import type { churnRecordSchema } from '@crm/contracts';
import { applyVersioned } from '@crm/messaging';
import type { z } from 'zod';
import { assertFits, LENGTH } from '../read-models/lengths';
import { ChurnFact } from './churn-fact.entity';

type ChurnRecord = z.infer<typeof churnRecordSchema>;

/**
 * customer.churn.*.v1 → the record's latest version. The churn analysis reads these rows as they
 * are (confirmed ones): there is nothing to pre-aggregate.
 */
@Injectable()
export class ChurnFacts {
  async apply(em: EntityManager, record: ChurnRecord): Promise<void> {
    const { churnId, customerId, customerNo, customerName, manager } = record;
    assertFits(`churn record ${churnId.slice(0, 60)}`, {
      churnId: [churnId, LENGTH.id],
      customerId: [customerId, LENGTH.id],
      customerNo: [customerNo, LENGTH.customerNo],
      customerName: [customerName, LENGTH.name],
      managerId: [manager.id, LENGTH.id],
      managerName: [manager.name, LENGTH.name],
    });
    await applyVersioned(em, ChurnFact, { churnId }, record.version, {
      customerId,
      customerNo,
      customerName,
      managerId: manager.id,
      managerName: manager.name,
      lastOrderDate: record.lastOrderDate,
      warnedAt: new Date(record.warnedAt),
      status: record.status,
      measures: record.measures,
      reason: record.reason,
      confirmedAt: record.confirmedAt === null ? null : new Date(record.confirmedAt),
    });
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager, type FilterQuery } from '@mikro-orm/core';
import { containsText } from '@crm/persistence';
import { type Page, toPage } from '@crm/service-kit';
import { EXPORT_BATCH, EXPORT_MAX_ROWS, type ExportPaging } from '../reports/report-rows';
import { ChurnFact } from './churn-fact.entity';
import type { ChurnReportFilters, ChurnReportItemResponse, ChurnReportQuery } from './dto/churn-report.dto';

/** Newest confirmation first; ties by id. `churn_fact_confirmed_idx` serves it. */
const NEWEST_CONFIRMATION_FIRST = { confirmedAt: 'desc', churnId: 'desc' } as const;

/**
 * 客户流失分析 (requirements §4): the confirmed churn records as their latest events describe them,
 * filtered by the customer's and the manager's name ("contains").
 */
@Injectable()
export class ChurnReport {
  constructor(private readonly em: EntityManager) {}

  async page(query: ChurnReportQuery): Promise<Page<ChurnReportItemResponse>> {
    const where = whereOf(query);
    const [rows, total] = await Promise.all([
      this.em.find(ChurnFact, where, { orderBy: NEWEST_CONFIRMATION_FIRST, limit: query.pageSize, offset: query.offset, disableIdentityMap: true }),
      this.em.count(ChurnFact, where),
    ]);
    return toPage(rows.map(itemOf), total, query);
  }

  /** Every row of the filtered report in its order, a batch at a time by keyset, at most EXPORT_MAX_ROWS. */
  async *rows(em: EntityManager, filters: ChurnReportFilters, { batch = EXPORT_BATCH, limit = EXPORT_MAX_ROWS }: ExportPaging = {}): AsyncGenerator<ChurnReportItemResponse> {
    const where = whereOf(filters);
    let after: ChurnFact | undefined;
    for (let read = 0; read < limit; ) {
      const keyset: FilterQuery<ChurnFact> = after
        ? { $and: [where, { $or: [{ confirmedAt: { $lt: after.confirmedAt } }, { confirmedAt: after.confirmedAt, churnId: { $lt: after.churnId } }] }] }
        : where;
      const rows = await em.find(ChurnFact, keyset, { orderBy: NEWEST_CONFIRMATION_FIRST, limit: Math.min(batch, limit - read), disableIdentityMap: true });
      yield* rows.map(itemOf);
      read += rows.length;
      if (rows.length < batch) return;
      after = rows[rows.length - 1];
    }
  }
}

/** Confirmed records (the customer service sets the confirmation time with the status; one without it is not counted). */
function whereOf(filters: ChurnReportFilters): FilterQuery<ChurnFact> {
  return {
    status: 'confirmed',
    confirmedAt: { $ne: null },
    ...(filters.customerName ? { customerName: containsText(filters.customerName) } : {}),
    ...(filters.managerName ? { managerName: containsText(filters.managerName) } : {}),
  };
}

function itemOf(fact: ChurnFact): ChurnReportItemResponse {
  return {
    churnId: fact.churnId,
    customerId: fact.customerId,
    customerNo: fact.customerNo,
    customerName: fact.customerName,
    manager: { id: fact.managerId, name: fact.managerName },
    lastOrderDate: fact.lastOrderDate,
    warnedAt: fact.warnedAt.toISOString(),
    measures: fact.measures,
    reason: fact.reason,
    confirmedAt: fact.confirmedAt!.toISOString(),
  };
}

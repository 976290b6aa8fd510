import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import type { ServiceAnalysisResponse, ServiceTypeCountResponse } from './dto/service-analysis.dto';
import { ServiceCount } from './service-count.entity';

/**
 * 客户服务分析 (requirements §4): tickets per service type, of one year or all, from the
 * pre-aggregated rows (years × types: a few dozen), largest first.
 */
@Injectable()
export class ServiceAnalysisReport {
  constructor(private readonly em: EntityManager) {}

  async report(year?: number): Promise<ServiceAnalysisResponse> {
    const rows = await this.em.find(ServiceCount, year === undefined ? {} : { year }, { disableIdentityMap: true });
    const byType = new Map<string, number>();
    for (const row of rows) byType.set(row.type, (byType.get(row.type) ?? 0) + row.tickets);
    const items: ServiceTypeCountResponse[] = [...byType].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
    return { year: year ?? null, items };
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { shareOf } from '../reports/report-rows';
import { CompositionCount, type CompositionDimension, UNSET_ITEM } from './composition-count.entity';
import type { CompositionItemResponse, CompositionResponse } from './dto/composition.dto';

/**
 * 客户构成分析 (requirements §4): the normal customers per item of one dimension, from its
 * pre-aggregated rows (a handful: the dictionary's levels, 1–5), largest first.
 */
@Injectable()
export class CompositionReport {
  constructor(private readonly em: EntityManager) {}

  async report(by: CompositionDimension): Promise<CompositionResponse> {
    const rows = await this.em.find(CompositionCount, { dimension: by }, { disableIdentityMap: true });
    const total = rows.reduce((sum, row) => sum + row.customers, 0);
    const items: CompositionItemResponse[] = rows
      .map((row) => ({ item: row.item === UNSET_ITEM ? null : row.item, count: row.customers, share: shareOf(row.customers, total) }))
      .sort(largestFirst);
    return { by, total, items };
  }
}

/** Largest count first; ties by item, the unset item last. */
function largestFirst(a: CompositionItemResponse, b: CompositionItemResponse): number {
  if (a.count !== b.count) return b.count - a.count;
  if (a.item === null || b.item === null) return a.item === b.item ? 0 : a.item === null ? 1 : -1;
  return a.item < b.item ? -1 : a.item > b.item ? 1 : 0;
}

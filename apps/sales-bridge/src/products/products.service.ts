import { Injectable } from '@nestjs/common';
import type { FilterQuery } from '@mikro-orm/core';
import { containsText } from '@crm/persistence';
import { SalesProduct } from '@crm/sales-system';
import { Page, toPage } from '@crm/service-kit';
import { SalesDatabase } from '../sales-db/sales-database';
import { ListProductsQuery } from './dto/product.dto';

/** Products of the sales system (requirements §5), read only. */
@Injectable()
export class ProductsService {
  constructor(private readonly sales: SalesDatabase) {}

  list(query: ListProductsQuery): Promise<Page<SalesProduct>> {
    const where: FilterQuery<SalesProduct>[] = [];
    if (query.name) where.push({ name: containsText(query.name) });
    if (query.model) where.push({ model: containsText(query.model) });
    if (query.batch) where.push({ batch: containsText(query.batch) });
    return this.sales.read(async (em) => {
      const [items, total] = await em.findAndCount(SalesProduct, where.length ? { $and: where } : {}, {
        orderBy: { name: 'asc', id: 'asc' },
        limit: query.pageSize,
        offset: query.offset,
      });
      return toPage(items, total, query);
    });
  }
}

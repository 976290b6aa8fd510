import { Injectable } from '@nestjs/common';
import type { FilterQuery } from '@mikro-orm/core';
import { containsText } from '@crm/persistence';
import { SalesStorage } from '@crm/sales-system';
import { Page, toPage } from '@crm/service-kit';
import { SalesDatabase } from '../sales-db/sales-database';
import { InventoryItemResponse, ListInventoryQuery } from './dto/inventory.dto';

/** Inventory of the sales system (requirements §5): product, warehouse, location, quantity, memo. */
@Injectable()
export class InventoryService {
  constructor(private readonly sales: SalesDatabase) {}

  list(query: ListInventoryQuery): Promise<Page<InventoryItemResponse>> {
    const where: FilterQuery<SalesStorage>[] = [];
    if (query.product) where.push({ product: { name: containsText(query.product) } });
    if (query.warehouse) where.push({ warehouse: containsText(query.warehouse) });
    return this.sales.read(async (em) => {
      const [rows, total] = await em.findAndCount(SalesStorage, where.length ? { $and: where } : {}, {
        populate: ['product'],
        orderBy: { warehouse: 'asc', location: 'asc', id: 'asc' },
        limit: query.pageSize,
        offset: query.offset,
      });
      const items = rows.map((row) => ({
        id: row.id,
        product: { id: row.product.id, name: row.product.name, model: row.product.model, batch: row.product.batch, unit: row.product.unit },
        warehouse: row.warehouse,
        location: row.location,
        quantity: row.count,
        memo: row.memo,
      }));
      return toPage(items, total, query);
    });
  }
}

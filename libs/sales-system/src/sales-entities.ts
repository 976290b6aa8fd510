import { EntitySchema } from '@mikro-orm/core';
import type { SalesNames } from './sales-names';

/** 产品 (requirements §5): one product with its model (型号) and batch (等级/批次). */
export class SalesProduct {
  id!: number;
  name!: string;
  model!: string | null;
  batch!: string | null;
  unit!: string | null;
  price!: string | null;
  memo!: string | null;
}

/** 库存: how many pieces of a product lie at one location (货位) of a warehouse (仓库). */
export class SalesStorage {
  id!: number;
  product!: SalesProduct;
  warehouse!: string;
  location!: string | null;
  count!: number;
  memo!: string | null;
}

/** An order; its key is the order number; status 1–6 (5 shipped, 6 paid). */
export class SalesOrder {
  id!: number;
  customerNo!: string;
  date!: string;
  deliveryAddress!: string | null;
  status!: number;
}

/** 订单明细: one product of an order, its quantity, unit and unit price. */
export class SalesOrderLine {
  id!: number;
  order!: SalesOrder;
  product!: SalesProduct;
  count!: number;
  unit!: string | null;
  price!: string;
}

/**
 * The sales system's four tables as read-only MikroORM entities under the configured names.
 * A storage row and an order line refer to their product (and a line to its order) as relations,
 * so filters on the product's name join in the database; the sales system declares no foreign
 * keys we could rely on, and the bridge never writes.
 * Money is `decimal`, read as a string (exact); dates are calendar dates (`YYYY-MM-DD`).
 */
export function salesEntities(names: SalesNames): EntitySchema[] {
  const p = names.product;
  const s = names.storage;
  const o = names.orders;
  const l = names.orderLine;
  const text = (fieldName: string, length: number, nullable = true) => ({ type: 'string', length, fieldName, nullable }) as const;
  return [
    new EntitySchema<SalesProduct>({
      class: SalesProduct,
      tableName: p.table,
      readonly: true,
      properties: {
        id: { type: 'integer', primary: true, autoincrement: true, fieldName: p.id },
        name: text(p.name, 100, false),
        model: text(p.model, 50),
        batch: text(p.batch, 50),
        unit: text(p.unit, 10),
        price: { type: 'decimal', precision: 12, scale: 2, fieldName: p.price, nullable: true },
        memo: text(p.memo, 200),
      },
    }),
    new EntitySchema<SalesStorage>({
      class: SalesStorage,
      tableName: s.table,
      readonly: true,
      properties: {
        id: { type: 'integer', primary: true, autoincrement: true, fieldName: s.id },
        product: { kind: 'm:1', entity: () => SalesProduct, fieldName: s.product },
        warehouse: text(s.warehouse, 50, false),
        location: text(s.location, 50),
        count: { type: 'integer', fieldName: s.count },
        memo: text(s.memo, 200),
      },
    }),
    new EntitySchema<SalesOrder>({
      class: SalesOrder,
      tableName: o.table,
      readonly: true,
      properties: {
        id: { type: 'integer', primary: true, autoincrement: true, fieldName: o.id },
        customerNo: text(o.customerNo, 20, false),
        date: { type: 'date', fieldName: o.date },
        deliveryAddress: text(o.deliveryAddress, 200),
        status: { type: 'integer', fieldName: o.status },
      },
    }),
    new EntitySchema<SalesOrderLine>({
      class: SalesOrderLine,
      tableName: l.table,
      readonly: true,
      properties: {
        id: { type: 'integer', primary: true, autoincrement: true, fieldName: l.id },
        order: { kind: 'm:1', entity: () => SalesOrder, fieldName: l.order },
        product: { kind: 'm:1', entity: () => SalesProduct, fieldName: l.product },
        count: { type: 'integer', fieldName: l.count },
        unit: text(l.unit, 10),
        price: { type: 'decimal', precision: 12, scale: 2, fieldName: l.price },
      },
    }),
  ];
}

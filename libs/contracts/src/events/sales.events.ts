import { z } from 'zod';
import { defineEvent } from './cloud-event';
import { aggregateVersionSchema, instantSchema } from './common';

/** The only part of the CRM that reads the company's sales system (requirements "The sales system"). */
const SOURCE = 'crm/sales-bridge';

/** A calendar date, `YYYY-MM-DD` (contract "HTTP conventions"). */
export const calendarDateSchema = z.iso.date();

/**
 * The sales system's order status codes 1–6; only 5 (已发货, shipped) and 6 (已回款, paid) are
 * order history (requirements §2.4). 1–4 are the sales system's own steps before shipping.
 */
export const ORDER_STATUS_CODES = [1, 2, 3, 4, 5, 6] as const;
export const ORDER_HISTORY_STATUSES = { 5: 'shipped', 6: 'paid' } as const;
export type OrderHistoryStatus = (typeof ORDER_HISTORY_STATUSES)[keyof typeof ORDER_HISTORY_STATUSES];
export const ORDER_STATUSES = ['open', 'shipped', 'paid'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** `open` for codes 1–4, else shipped (5) or paid (6). */
export function orderStatusOf(code: number): OrderStatus {
  return code === 5 ? 'shipped' : code === 6 ? 'paid' : 'open';
}

export const SalesOrderRecordedV1 = defineEvent(
  'sales.order.recorded.v1',
  SOURCE,
  'The bridge saw an order in the sales system that is new, or whose status, customer, date or lines ' +
    'changed since it last saw it (the sales system keeps no change timestamps; the bridge compares). ' +
    'Every order in every status is published; order history and reports count shipped and paid ones.',
  z.object({
    /** The order's key in the sales system, as a string. */
    orderId: z.string().min(1),
    /** Counts the changes the bridge has seen of this order: a copy ignores an older one arriving late. */
    version: aggregateVersionSchema,
    /** The order number users see. */
    orderNo: z.string().min(1),
    customerNo: z.string().min(1),
    orderDate: calendarDateSchema,
    /** The sales system's code 1–6. */
    statusCode: z.number().int().min(1).max(6),
    status: z.enum(ORDER_STATUSES),
    deliveryAddress: z.string().nullable(),
    /** Σ quantity × unit price of its lines, rounded to cents. */
    totalAmount: z.number(),
    lineCount: z.number().int().min(0),
    /** When the bridge saw this state. */
    observedAt: instantSchema,
  }),
);

export const SALES_EVENTS = [SalesOrderRecordedV1] as const;

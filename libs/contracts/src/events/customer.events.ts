import { z } from 'zod';
import { defineEvent } from './cloud-event';
import { aggregateVersionSchema, instantSchema, userRefSchema } from './common';

const SOURCE = 'crm/customer';

export const CUSTOMER_STATUSES = ['normal', 'churned', 'deleted'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

/**
 * What other services keep of a customer (requirements §2.1; contract "Event flows"): the
 * service desk needs to know it exists, is normal and its name; reports need level, credit,
 * satisfaction, region and manager. Select-like fields carry the dictionary item's text.
 */
export const customerSnapshotSchema = z.object({
  customerId: z.string().min(1),
  /** The customer's version after this change: a copy ignores an event older than what it holds. */
  version: aggregateVersionSchema,
  customerNo: z.string().min(1),
  name: z.string().min(1),
  manager: userRefSchema,
  region: z.string().nullable(),
  level: z.string().nullable(),
  credit: z.number().int().min(1).max(5).nullable(),
  satisfaction: z.number().int().min(1).max(5).nullable(),
  status: z.enum(CUSTOMER_STATUSES),
  createdAt: instantSchema,
  updatedAt: instantSchema,
});

export const CustomerCreatedV1 = defineEvent(
  'customer.customer.created.v1',
  SOURCE,
  'A customer was created: from a successful opportunity (sourceOpportunityId set), by hand or by an import.',
  customerSnapshotSchema.extend({
    /** The opportunity whose success created it, if any. */
    sourceOpportunityId: z.string().nullable(),
    createdBy: userRefSchema,
  }),
);

export const CustomerUpdatedV1 = defineEvent(
  'customer.customer.updated.v1',
  SOURCE,
  'A customer was changed (edited, completed, reassigned, churned or deleted); carries the whole snapshot.',
  customerSnapshotSchema.extend({
    /** Names of the fields this change touched (a hint; the snapshot is what counts). */
    changedFields: z.array(z.string()),
    changedBy: userRefSchema,
  }),
);


/**
 * Churn records (requirements §2.5): warning → deferred (a measure appended) → confirmed, or
 * closed automatically when the warned customer orders again (beyond the spec).
 */
export const CHURN_STATUSES = ['warning', 'deferred', 'confirmed', 'closed'] as const;
export type ChurnStatus = (typeof CHURN_STATUSES)[number];

export const churnMeasureSchema = z.object({ measure: z.string().min(1), at: instantSchema, by: userRefSchema });

export const churnRecordSchema = z.object({
  churnId: z.string().min(1),
  version: aggregateVersionSchema,
  customerId: z.string().min(1),
  customerNo: z.string().min(1),
  customerName: z.string().min(1),
  manager: userRefSchema,
  /** The last order the customer service knew of when warning, `YYYY-MM-DD`; null: never ordered. */
  lastOrderDate: z.iso.date().nullable(),
  warnedAt: instantSchema,
  status: z.enum(CHURN_STATUSES),
  measures: z.array(churnMeasureSchema),
  reason: z.string().nullable(),
  confirmedAt: instantSchema.nullable(),
  closedAt: instantSchema.nullable(),
});

export const ChurnWarnedV1 = defineEvent(
  'customer.churn.warned.v1',
  SOURCE,
  'The weekly (or an on-demand) churn scan found a normal customer with no order in the last six months, or none ever.',
  churnRecordSchema,
);

export const ChurnDeferredV1 = defineEvent(
  'customer.churn.deferred.v1',
  SOURCE,
  'The customer’s manager appended a measure (暂缓流失); the record carries every measure so far.',
  churnRecordSchema,
);

export const ChurnConfirmedV1 = defineEvent(
  'customer.churn.confirmed.v1',
  SOURCE,
  'The customer’s manager confirmed the churn with a reason; the customer is now churned.',
  churnRecordSchema,
);

export const ChurnClosedV1 = defineEvent(
  'customer.churn.closed.v1',
  SOURCE,
  'An open warning was closed because the customer ordered again (beyond the spec: §2.5 leaves it open).',
  churnRecordSchema.extend({ closedByOrderNo: z.string().min(1) }),
);

export const CHURN_EVENTS = [ChurnWarnedV1, ChurnDeferredV1, ChurnConfirmedV1, ChurnClosedV1] as const;

export const CUSTOMER_EVENTS = [CustomerCreatedV1, CustomerUpdatedV1, ...CHURN_EVENTS] as const;

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

export const CUSTOMER_EVENTS = [CustomerCreatedV1, CustomerUpdatedV1] as const;

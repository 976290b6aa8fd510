import { z } from 'zod';
import { defineEvent } from './cloud-event';
import { aggregateVersionSchema, instantSchema, userRefSchema } from './common';

const SOURCE = 'crm/marketing';

export const OPPORTUNITY_STATUSES = ['unassigned', 'assigned', 'succeeded', 'failed'] as const;
export type OpportunityStatus = (typeof OPPORTUNITY_STATUSES)[number];

/** The opportunity as other systems see it in events (requirements §1.1). */
export const opportunitySnapshotSchema = z.object({
  opportunityId: z.string().min(1),
  /** The opportunity's version after this change: a copy ignores an event older than what it holds. */
  version: aggregateVersionSchema,
  source: z.string().nullable(),
  customerName: z.string(),
  successRate: z.number().int().min(0).max(100),
  summary: z.string(),
  contact: z.string().nullable(),
  contactPhone: z.string().nullable(),
  description: z.string(),
  status: z.enum(OPPORTUNITY_STATUSES),
  createdBy: userRefSchema,
  createdAt: instantSchema,
});

export const OpportunityCreatedV1 = defineEvent(
  'marketing.opportunity.created.v1',
  SOURCE,
  'A sales opportunity was created (status unassigned).',
  opportunitySnapshotSchema,
);

export const OpportunityAssignedV1 = defineEvent(
  'marketing.opportunity.assigned.v1',
  SOURCE,
  'A supervisor assigned (or reassigned) an opportunity to an account manager.',
  opportunitySnapshotSchema.extend({
    assignee: userRefSchema,
    assignedAt: instantSchema,
    assignedBy: userRefSchema,
    previousAssignee: userRefSchema.nullable(),
  }),
);

export const OpportunitySucceededV1 = defineEvent(
  'marketing.opportunity.succeeded.v1',
  SOURCE,
  'Development succeeded: the customer service creates a customer from it (name, first contact, manager).',
  opportunitySnapshotSchema.extend({ assignee: userRefSchema, decidedAt: instantSchema }),
);

export const OpportunityFailedV1 = defineEvent(
  'marketing.opportunity.failed.v1',
  SOURCE,
  'Development was terminated (开发失败).',
  opportunitySnapshotSchema.extend({ assignee: userRefSchema, decidedAt: instantSchema }),
);

export const MARKETING_EVENTS = [
  OpportunityCreatedV1,
  OpportunityAssignedV1,
  OpportunitySucceededV1,
  OpportunityFailedV1,
] as const;

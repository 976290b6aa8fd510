import { z } from 'zod';
import { defineEvent } from './cloud-event';
import { aggregateVersionSchema, instantSchema } from './common';

/** The data dictionary is owned by the customer service (contract "Event flows"). */
const SOURCE = 'crm/customer';

/** Categories the system's select-like fields take their options from (requirements §5). */
export const DICTIONARY_CATEGORIES = {
  customerLevel: '企业客户等级',
  serviceType: '服务类型',
  region: '地区',
} as const;

export const DICTIONARY_CHANGES = ['created', 'updated', 'deleted', 'republished'] as const;
export type DictionaryChange = (typeof DICTIONARY_CHANGES)[number];

export const dictionaryItemSchema = z.object({
  itemId: z.string().min(1),
  /** The item's version after this change; a deleted item's last version is its tombstone. */
  version: aggregateVersionSchema,
  category: z.string().min(1),
  item: z.string().min(1),
  value: z.string(),
  editable: z.boolean(),
});

export const DictionaryChangedV1 = defineEvent(
  'basedata.dictionary.changed.v1',
  SOURCE,
  'A data dictionary item was created, updated or deleted, or republished for a new subscriber; ' +
    'carries the whole item. Services that validate select-like fields keep a copy from these.',
  dictionaryItemSchema.extend({
    change: z.enum(DICTIONARY_CHANGES),
    changedAt: instantSchema,
  }),
);

export const BASEDATA_EVENTS = [DictionaryChangedV1] as const;

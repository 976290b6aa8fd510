import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { DictionaryEntry, DictionaryLookup } from './dictionary-lookup';
import { DictionaryCopyItem } from './dictionary-copy-item.entity';

/**
 * The dictionary from this service's copy, tombstones left out.
 *
 * No in-process cache, on purpose: one indexed query on (category, item) over a table of tens of
 * rows per category costs about a millisecond, and validation happens only on the writes that
 * carry a select-like field. A cache would buy little and cost correctness: the service's
 * replicas share one consumer queue, so only the replica that applies an event could drop its
 * cache entry, and the others would accept a deleted item (or refuse a new one the form already
 * offers, read from another replica) until a TTL ran out. Reading the copy keeps every replica as
 * fresh as the copy itself.
 */
@Injectable()
export class DictionaryCopyLookup extends DictionaryLookup {
  constructor(private readonly em: EntityManager) {
    super();
  }

  protected async liveEntries(categories: readonly string[]): Promise<DictionaryEntry[]> {
    // disableIdentityMap: read into a throwaway fork of the current context (and its transaction,
    // if any), so the rows never join the caller's unit of work.
    const rows = await this.em.find(DictionaryCopyItem, { category: { $in: [...categories] }, deleted: false }, { disableIdentityMap: true });
    return rows.map(({ itemId, category, item, value }) => ({ itemId, category, item, value }));
  }
}

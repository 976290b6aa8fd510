import { Injectable } from '@nestjs/common';
import { EntityManager, type FilterQuery } from '@mikro-orm/core';
import type { CustomerStatus, UserRef } from '@crm/contracts';
import { CustomerCopy } from './customer-copy.entity';

/** A customer as another service sees it: a plain object, never a managed entity. */
export interface CustomerRef {
  id: string;
  customerNo: string;
  name: string;
  manager: UserRef;
  region: string | null;
  level: string | null;
  credit: number | null;
  satisfaction: number | null;
  /** `normal`, `churned` or `deleted` (a soft delete): the directory answers all of them. */
  status: CustomerStatus;
  /** When the owner last changed it. */
  updatedAt: Date;
}

/**
 * Ids per query in `byIds`: SQL Server takes at most 2,100 parameters in a statement, so a longer
 * list is asked in slices of this size (one query up to it, which is every screen's case).
 */
export const CUSTOMER_IDS_PER_QUERY = 1_000;

/**
 * Customers from this service's copy (CustomerCopyModule). It knows what the customer service
 * has published since the copy's queue was bound, within milliseconds; a customer it does not
 * know answers null (or is missing from the map). Deleted and churned customers are answered with
 * their status: whether they count is the caller's rule.
 *
 * Matching is exact, whatever the database collation (SQL Server's ignores case): rows are
 * checked again in code. No in-process cache, for the reason given in dictionary-copy.lookup.ts.
 * Call it inside a request, a consumer handler or `@CreateRequestContext()`.
 */
@Injectable()
export class CustomerDirectory {
  constructor(private readonly em: EntityManager) {}

  async byId(id: string): Promise<CustomerRef | null> {
    return (await this.find({ customerId: id })).find((customer) => customer.id === id) ?? null;
  }

  /** By the customer's number (`KH…`), as the sales system and imports carry it. */
  async byNumber(customerNo: string): Promise<CustomerRef | null> {
    return (await this.find({ customerNo })).find((customer) => customer.customerNo === customerNo) ?? null;
  }

  /** The known customers among these ids, by id, in one query (per CUSTOMER_IDS_PER_QUERY ids). */
  async byIds(ids: Iterable<string>): Promise<Map<string, CustomerRef>> {
    const wanted = [...new Set(ids)];
    const found = new Map<string, CustomerRef>();
    for (let start = 0; start < wanted.length; start += CUSTOMER_IDS_PER_QUERY) {
      const slice = wanted.slice(start, start + CUSTOMER_IDS_PER_QUERY);
      const asked = new Set(slice);
      for (const customer of await this.find({ customerId: { $in: slice } })) {
        if (asked.has(customer.id)) found.set(customer.id, customer);
      }
    }
    return found;
  }

  private async find(where: FilterQuery<CustomerCopy>): Promise<CustomerRef[]> {
    // disableIdentityMap: read into a throwaway fork of the current context (and its transaction,
    // if any), so the rows never join the caller's unit of work.
    const rows = await this.em.find(CustomerCopy, where, { disableIdentityMap: true });
    return rows.map(refOf);
  }
}

function refOf(row: CustomerCopy): CustomerRef {
  const { customerId, customerNo, name, managerId, managerName, region, level, credit, satisfaction, status, updatedAt } = row;
  return { id: customerId, customerNo, name, manager: { id: managerId, name: managerName }, region, level, credit, satisfaction, status, updatedAt };
}

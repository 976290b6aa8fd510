import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { Customer } from '../customers/customer.entity';

const PAGE = 1_000;

/**
 * The customers a filter selects, newest first, as spreadsheet rows, read a page at a time by
 * keyset (createdAt, id) — never all at once, and never an OFFSET that grows with the file —
 * and without keeping them in the identity map, so exporting 100,000 customers holds one page.
 */
export async function* customerRows(em: EntityManager, filter: FilterQuery<Customer>): AsyncGenerator<Record<string, unknown>> {
  let after: Customer | undefined;
  for (;;) {
    const where: FilterQuery<Customer> = after
      ? { $and: [filter, { $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, id: { $lt: after.id } }] }] }
      : filter;
    const page = await em.find(Customer, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: PAGE, disableIdentityMap: true });
    for (const customer of page) {
      yield { customerNo: customer.customerNo, ...customer.details, manager: customer.managerName, status: customer.status };
    }
    if (page.length < PAGE) return;
    after = page[page.length - 1];
  }
}

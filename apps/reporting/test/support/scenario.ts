import type { Published } from './reporting-app';
import type { ReportViews } from './reports-reader';
import {
  churnEvent,
  churnRecord,
  churnStep,
  customerEvent,
  customerNoOf,
  type Customer,
  demoCustomerSnapshots,
  generatedOrders,
  nextVersion,
  type Order,
  orderEvent,
  ticket,
  ticketEvent,
  ticketStep,
} from './sales-world';

/**
 * A season of the CRM as events, in delivery rounds. Each round is published at once (handlers run
 * concurrently, in any order); a round is delivered only after the one before has been handled
 * (SalesWorld.apply keeps what has been delivered).
 *
 * - customers (demo generator) with orders of the generated sales system interleaved; two
 *   customers' events come only in `late` (their orders count meanwhile, without a name), and two
 *   customer numbers never get a customer;
 * - orders: shipped later paid (v2), open later shipped (v2), open staying open; one re-dated into
 *   another year, one re-priced, one moved to another customer number, one paid order taken back to
 *   open; a few paid v2s delivered a round before their shipped v1 (out of order); a paid order
 *   of 0.00 for a number of its own;
 * - customers renamed, re-levelled, churned, deleted, completed; one v3 before its v2;
 * - tickets of three types over three years (two at the Shanghai new year's edge), taken through
 *   assigned, handled, archived; one's type changed, one archived before its earlier versions;
 * - churn records warned, deferred, confirmed; one confirmed then closed; one confirmation
 *   delivered before its deferral.
 */
export function buildScenario(orderCount = 400) {
  const customers = demoCustomerSnapshots(30);
  const unknown = [customerNoOf(9000), customerNoOf(9001)];
  const late = customers.slice(28);
  const orders = generatedOrders([...customers.map((customer) => customer.customerNo), ...unknown], orderCount);
  const rounds: Published[][] = [[], [], []];

  // Round 1: customers and version 1 of the orders, interleaved.
  const early = customers.slice(0, 28).map((customer) => customerEvent(customer));
  const paid = orders.filter((order) => order.statusCode === 6);
  const open = orders.filter((order) => order.statusCode < 5);
  const shipped = orders.filter((order) => order.statusCode === 5);
  const reversed = new Set(paid.filter((_, index) => index % 4 === 1).slice(0, 5));
  const paidLater = new Set(paid.filter((_, index) => index % 4 === 0));
  const shippedLater = new Set(open.filter((_, index) => index % 2 === 0));
  const v1 = (order: Order): Order => (paidLater.has(order) || reversed.has(order) ? { ...order, statusCode: 5, status: 'shipped' } : order);
  const firstOrders = orders.filter((order) => !reversed.has(order)).map((order) => orderEvent(v1(order)));
  rounds[0].push(...interleave(early, firstOrders));

  // Paid v2 before its shipped v1: in round 1 while v1 waits for round 2.
  for (const order of reversed) rounds[0].push(orderEvent(nextVersion(v1(order), { statusCode: 6 })));
  for (const order of reversed) rounds[1].push(orderEvent(v1(order)));

  // Round 2: the orders' second versions.
  for (const order of paidLater) rounds[1].push(orderEvent(nextVersion(v1(order), { statusCode: 6 })));
  for (const order of shippedLater) rounds[1].push(orderEvent(nextVersion(order, { statusCode: 5 })));
  const [redated, repriced, moved] = shipped.slice(0, 3);
  const takenBack = paid.filter((order) => !paidLater.has(order) && !reversed.has(order))[0];
  rounds[1].push(orderEvent(nextVersion(redated, { orderDate: `${Number(redated.orderDate.slice(0, 4)) - 1}-12-31` })));
  rounds[1].push(orderEvent(nextVersion(repriced, { totalAmount: Math.round((repriced.totalAmount + 100.25) * 100) / 100 })));
  rounds[1].push(orderEvent(nextVersion(moved, { customerNo: moved.customerNo === customers[0].customerNo ? customers[1].customerNo : customers[0].customerNo })));
  rounds[1].push(orderEvent(nextVersion(takenBack, { statusCode: 4 })));
  // A paid order of 0.00 (a free replacement): it counts once, for nothing.
  rounds[0].push(orderEvent({ ...paid[0], orderId: 'zero-1', orderNo: 'zero-1', version: 1, customerNo: customerNoOf(9002), totalAmount: 0 }));

  // Round 2: customers change.
  const next = (customer: Customer, changes: Partial<Customer>): Customer => ({ ...customer, ...changes, version: customer.version + 1, updatedAt: '2026-11-21T02:00:00.000Z' });
  for (const customer of customers.slice(0, 4)) rounds[1].push(customerEvent(next(customer, { name: `${customer.name}(新)` })));
  for (const customer of customers.slice(4, 7)) rounds[1].push(customerEvent(next(customer, { level: customer.level === '大客户' ? '合作伙伴' : '大客户' })));
  rounds[1].push(customerEvent(next(customers[7], { status: 'churned' })));
  rounds[1].push(customerEvent(next(customers[8], { status: 'deleted' })));
  rounds[1].push(customerEvent(next(customers[13], { level: '重点开发客户', credit: 3, satisfaction: 2 })));
  const customer20v2 = next(customers[20], { credit: 5, level: '普通客户', satisfaction: 1 });
  rounds[0].push(customerEvent(next(customer20v2, { satisfaction: 5 })));
  rounds[1].push(customerEvent(customer20v2));

  // Tickets: created in round 1, their later versions in round 2.
  const types = ['咨询', '建议', '投诉'];
  const created = [
    '2024-03-01T01:00:00.000Z',
    '2025-06-30T10:00:00.000Z',
    '2025-12-31T15:59:59.000Z', // 2025-12-31 23:59:59 in Shanghai
    '2025-12-31T16:00:00.000Z', // 2026-01-01 00:00 in Shanghai
    '2026-02-14T09:00:00.000Z',
    '2026-11-01T00:00:00.000Z',
  ];
  const tickets = Array.from({ length: 24 }, (_, i) => ticket(`t-${String(i + 1).padStart(2, '0')}`, types[(i * 7) % 3 === 0 ? 0 : i % 3], created[i % created.length], customers[i % 20]));
  rounds[0].push(...tickets.filter((_, i) => i !== 6).map((t) => ticketEvent(t)));
  for (const [i, t] of tickets.entries()) {
    if (i === 6 || i === 5) continue;
    if (i % 3 === 0) rounds[1].push(ticketEvent(ticketStep(t, 'assigned')));
    if (i % 3 === 1) rounds[1].push(ticketEvent(ticketStep(ticketStep(ticketStep(t, 'assigned'), 'handled'), 'archived')));
  }
  // A ticket whose type is corrected (it has no other later version).
  rounds[1].push(ticketEvent(ticketStep(tickets[5], 'assigned', { type: tickets[5].type === '投诉' ? '建议' : '投诉' })));
  const t7 = [ticketStep(tickets[6], 'assigned')];
  t7.push(ticketStep(t7[0], 'handled'), ticketStep(ticketStep(t7[0], 'handled'), 'archived'));
  rounds[0].push(ticketEvent(t7[2]));
  rounds[1].push(ticketEvent(tickets[6]), ...t7.slice(0, 2).map((t) => ticketEvent(t)));

  // Churn records.
  const warned = (id: string, customer: Customer, day: number) => churnRecord(id, customer, `2026-10-${String(day).padStart(2, '0')}T18:00:00.000Z`);
  const a = warned('churn-a', customers[10], 3);
  const b = warned('churn-b', customers[11], 3);
  const c = warned('churn-c', customers[12], 10);
  const d = warned('churn-d', customers[14], 10);
  const e = warned('churn-e', customers[15], 17);
  const f = warned('churn-f', customers[16], 17);
  const g = warned('churn-g', customers[17], 17);
  rounds[0].push(...[a, b, c, d, e, f, g].map((record) => churnEvent(record)));
  rounds[1].push(churnEvent(churnStep(b, 'deferred', '2026-10-05T02:00:00.000Z')));
  const confirm = (record: ReturnType<typeof churnRecord>, day: number, measures = 1) => {
    let current = record;
    const steps = [];
    for (let m = 0; m < measures; m++) steps.push((current = churnStep(current, 'deferred', `2026-11-0${day}T0${m}:00:00.000Z`)));
    steps.push((current = churnStep(current, 'confirmed', `2026-11-0${day}T09:00:00.000Z`)));
    return steps;
  };
  const cSteps = confirm(c, 2);
  rounds[0].push(churnEvent(cSteps[1]));
  rounds[1].push(churnEvent(cSteps[0]));
  rounds[1].push(...confirm(d, 3, 2).map((record) => churnEvent(record)));
  const eSteps = confirm(e, 4);
  rounds[1].push(...eSteps.map((record) => churnEvent(record)), churnEvent(churnStep(eSteps[1], 'closed', '2026-11-05T00:00:00.000Z')));
  // f and g confirmed at the same moment: the report orders them by id.
  rounds[1].push(...confirm(f, 4).map((record) => churnEvent(record)), ...confirm(g, 4).map((record) => churnEvent(record)));

  // Round 3: the late customers.
  rounds[2].push(...late.map((customer) => customerEvent(customer)));

  const years = [...new Set(orders.map((order) => Number(order.orderDate.slice(0, 4))))].sort();
  const views: ReportViews = {
    years,
    customerNames: [customers[0].name.slice(2, 6), customers[0].name.slice(0, 2), '(新)', 'nothing like it'],
    managerNames: ['Maria', 'Manager', 'nobody'],
  };
  return { customers, late, unknown, rounds, views, orders };
}

function interleave<T>(a: T[], b: T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i]);
    if (i < b.length) out.push(b[i]);
  }
  return out;
}

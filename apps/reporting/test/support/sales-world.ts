import {
  ChurnClosedV1,
  ChurnConfirmedV1,
  ChurnDeferredV1,
  ChurnWarnedV1,
  CustomerCreatedV1,
  CustomerUpdatedV1,
  type EventData,
  orderStatusOf,
  SalesOrderRecordedV1,
  TicketArchivedV1,
  TicketAssignedV1,
  TicketCreatedV1,
  TicketHandledV1,
  type UserRef,
} from '@crm/contracts';
import { demoCustomers, generateSalesData, parseCents, type SalesOrderRow } from '@crm/sales-system';
import type { Published } from './reporting-app';

export type Customer = Omit<EventData<typeof CustomerUpdatedV1>, 'changedFields' | 'changedBy'>;
export type Order = EventData<typeof SalesOrderRecordedV1>;
export type Ticket = EventData<typeof TicketCreatedV1>;
export type Churn = EventData<typeof ChurnWarnedV1>;

export const MANAGERS: Record<string, UserRef> = {
  manager1: { id: 'u-manager1', name: 'Maria Manager' },
  manager2: { id: 'u-manager2', name: 'Mark Manager' },
};
const SUPERVISOR: UserRef = { id: 'u-supervisor', name: 'Sam Supervisor' };
const TODAY = '2026-11-20';
const AT = '2026-11-20T02:00:00.000Z';

/**
 * The other services' aggregates as this test has delivered them, each at its latest version —
 * what the reports must show once every event is consumed, whatever order they arrived in. The
 * expectations below are computed from these plain objects, independently of the service's code.
 */
export class SalesWorld {
  readonly customers = new Map<string, Customer>();
  readonly orders = new Map<string, Order>();
  readonly tickets = new Map<string, Ticket>();
  readonly churn = new Map<string, Churn>();

  /** Takes these events as published (each aggregate keeps its latest version); answers them, for delivery. */
  apply(events: Published[]): Published[] {
    for (const { data } of events) {
      if ('orderId' in data) keep(this.orders, (data as Order).orderId, data as Order);
      else if ('ticketId' in data) keep(this.tickets, (data as Ticket).ticketId, data as Ticket);
      else if ('churnId' in data) keep(this.churn, (data as Churn).churnId, data as Churn);
      else keep(this.customers, (data as Customer).customerId, data as Customer);
    }
    return events;
  }
}

function keep<T extends { version: number }>(map: Map<string, T>, key: string, data: T): void {
  const held = map.get(key);
  if (!held || held.version < data.version) map.set(key, data);
}

export function customerEvent(customer: Customer): Published {
  return customer.version === 1
    ? { definition: CustomerCreatedV1, data: { ...customer, sourceOpportunityId: null, createdBy: customer.manager } }
    : { definition: CustomerUpdatedV1, data: { ...customer, changedFields: [], changedBy: SUPERVISOR } };
}

export function orderEvent(order: Order): Published {
  return { definition: SalesOrderRecordedV1, data: order };
}

export function ticketEvent(ticket: Ticket): Published {
  const definition = { created: TicketCreatedV1, assigned: TicketAssignedV1, handled: TicketHandledV1, archived: TicketArchivedV1 }[ticket.status];
  const extra = ticket.status === 'assigned' ? { assignedBy: SUPERVISOR, previousAssignee: null } : {};
  return { definition, data: { ...ticket, ...extra } };
}

export function churnEvent(record: Churn): Published {
  const definition = { warning: ChurnWarnedV1, deferred: ChurnDeferredV1, confirmed: ChurnConfirmedV1, closed: ChurnClosedV1 }[record.status];
  return { definition, data: record.status === 'closed' ? { ...record, closedByOrderNo: 'SO-1' } : record };
}

/** Customers as the customer service would publish them, from the sales system's demo generator; every seventh one made from an opportunity (no level, credit, satisfaction). */
export function demoCustomerSnapshots(count: number, seed = 'reporting-test'): Customer[] {
  return demoCustomers({ seed, count, managers: ['manager1', 'manager2'] }).map((demo, index) => {
    const incomplete = index % 7 === 6;
    return {
      customerId: `cust-${String(index + 1).padStart(3, '0')}`,
      version: 1,
      customerNo: customerNoOf(index),
      name: demo.name,
      manager: MANAGERS[demo.manager],
      region: demo.region,
      level: incomplete ? null : demo.level,
      credit: incomplete ? null : demo.credit,
      satisfaction: incomplete ? null : demo.satisfaction,
      status: 'normal',
      createdAt: AT,
      updatedAt: AT,
    };
  });
}

export function customerNoOf(index: number): string {
  return `KH20260101${String(index + 1).padStart(4, '0')}`;
}

/** The generated sales system's orders for these customer numbers as sales.order.recorded.v1 at version 1, totals in cents from their lines. */
export function generatedOrders(customerNos: string[], count: number, seed = 'reporting-test'): Order[] {
  const orders: Order[] = [];
  for (const batch of generateSalesData({ seed, customerNos, orders: count, today: TODAY }).orderBatches(500)) {
    const cents = new Map<number, number>();
    for (const line of batch.lines) cents.set(line.order, (cents.get(line.order) ?? 0) + parseCents(line.amount));
    for (const row of batch.orders) orders.push(orderData(row, cents.get(row.id) ?? 0));
  }
  return orders;
}

function orderData(row: SalesOrderRow, cents: number): Order {
  return {
    orderId: String(row.id),
    version: 1,
    orderNo: String(row.id),
    customerNo: row.customerNo,
    orderDate: row.date,
    statusCode: row.status,
    status: orderStatusOf(row.status),
    deliveryAddress: row.deliveryAddress,
    totalAmount: cents / 100,
    lineCount: 1,
    observedAt: AT,
  };
}

/** The same order at its next version with these changes (a status code sets the status too). */
export function nextVersion(order: Order, changes: Partial<Order>): Order {
  const statusCode = changes.statusCode ?? order.statusCode;
  return { ...order, ...changes, statusCode, status: orderStatusOf(statusCode), version: order.version + 1 };
}

export function ticket(id: string, type: string, createdAt: string, customer: Customer): Ticket {
  return {
    ticketId: id,
    version: 1,
    type,
    summary: `${type} ${id}`,
    customerId: customer.customerId,
    customerNo: customer.customerNo,
    customerName: customer.name,
    request: '请求',
    status: 'created',
    createdBy: MANAGERS.manager1,
    createdAt,
    assignee: null,
    assignedAt: null,
    rounds: [],
    satisfaction: null,
    archivedAt: null,
  };
}

/** A ticket's next version in its life: assigned, handled, archived. */
export function ticketStep(current: Ticket, status: Ticket['status'], changes: Partial<Ticket> = {}): Ticket {
  const at = '2026-11-21T03:00:00.000Z';
  const rounds =
    status === 'handled' || status === 'archived'
      ? [{ round: 1, handling: '已处理', handledBy: MANAGERS.manager1, handledAt: at, result: status === 'archived' ? '满意' : null, satisfaction: status === 'archived' ? 4 : null, feedbackBy: status === 'archived' ? MANAGERS.manager1 : null, feedbackAt: status === 'archived' ? at : null }]
      : current.rounds;
  return { ...current, ...changes, status, version: current.version + 1, assignee: MANAGERS.manager1, assignedAt: at, rounds, satisfaction: status === 'archived' ? 4 : null, archivedAt: status === 'archived' ? at : null };
}

export function churnRecord(id: string, customer: Customer, warnedAt: string): Churn {
  return {
    churnId: id,
    version: 1,
    customerId: customer.customerId,
    customerNo: customer.customerNo,
    customerName: customer.name,
    manager: customer.manager,
    lastOrderDate: '2026-03-01',
    warnedAt,
    status: 'warning',
    measures: [],
    reason: null,
    confirmedAt: null,
    closedAt: null,
  };
}

/** A churn record's next version: a measure (deferred), its confirmation, or its closing. */
export function churnStep(current: Churn, status: 'deferred' | 'confirmed' | 'closed', at: string): Churn {
  const measures = status === 'deferred' ? [...current.measures, { measure: `回访 ${current.measures.length + 1}`, at, by: current.manager }] : current.measures;
  return {
    ...current,
    version: current.version + 1,
    status,
    measures,
    reason: status === 'confirmed' ? '转向竞争对手' : current.reason,
    confirmedAt: status === 'confirmed' ? at : current.confirmedAt,
    closedAt: status === 'closed' ? at : current.closedAt,
  };
}

// ---- The reports, computed here from the world's latest versions (plain JavaScript, not the service's code).

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The year of an instant in Shanghai (UTC+8 all year, no daylight saving). */
export function shanghaiYear(instant: string): number {
  return new Date(Date.parse(instant) + 8 * 3600_000).getUTCFullYear();
}

export function expectedContribution(world: SalesWorld, filters: { year?: number; customerName?: string } = {}) {
  const known = new Map([...world.customers.values()].map((customer) => [customer.customerNo, customer]));
  const sums = [...world.orders.values()]
    .filter((order) => (order.status === 'shipped' || order.status === 'paid') && (filters.year === undefined || Number(order.orderDate.slice(0, 4)) === filters.year))
    .reduce((map, order) => {
      const sum = map.get(order.customerNo) ?? { cents: 0, orders: 0 };
      map.set(order.customerNo, { cents: sum.cents + Math.round(order.totalAmount * 100), orders: sum.orders + 1 });
      return map;
    }, new Map<string, { cents: number; orders: number }>());
  return [...sums]
    .map(([customerNo, sum]) => ({
      customerId: known.get(customerNo)?.customerId ?? null,
      customerNo,
      customerName: known.get(customerNo)?.name ?? null,
      totalAmount: sum.cents / 100,
      orderCount: sum.orders,
      cents: sum.cents,
    }))
    .filter((row) => filters.customerName === undefined || (row.customerName !== null && row.customerName.includes(filters.customerName)))
    .sort((a, b) => b.cents - a.cents || byText(a.customerNo, b.customerNo))
    .map(({ cents: _cents, ...row }) => row);
}

export function expectedComposition(world: SalesWorld, by: 'level' | 'credit' | 'satisfaction') {
  const normal = [...world.customers.values()].filter((customer) => customer.status === 'normal');
  const counts = normal.reduce((map, customer) => {
    const item = customer[by] === null ? null : String(customer[by]);
    return map.set(item, (map.get(item) ?? 0) + 1);
  }, new Map<string | null, number>());
  const items = [...counts]
    .map(([item, count]) => ({ item, count, share: Math.round((count / normal.length) * 10_000) / 10_000 }))
    .sort((a, b) => b.count - a.count || (a.item === null ? 1 : b.item === null ? -1 : byText(a.item, b.item)));
  return { by, total: normal.length, items };
}

export function expectedServices(world: SalesWorld, year?: number) {
  const counts = [...world.tickets.values()]
    .filter((ticket) => year === undefined || shanghaiYear(ticket.createdAt) === year)
    .reduce((map, ticket) => map.set(ticket.type, (map.get(ticket.type) ?? 0) + 1), new Map<string, number>());
  return { year: year ?? null, items: [...counts].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count || byText(a.type, b.type)) };
}

export function expectedChurn(world: SalesWorld, filters: { customerName?: string; managerName?: string } = {}) {
  return [...world.churn.values()]
    .filter((record) => record.status === 'confirmed')
    .filter((record) => filters.customerName === undefined || record.customerName.includes(filters.customerName))
    .filter((record) => filters.managerName === undefined || record.manager.name.includes(filters.managerName))
    .sort((a, b) => byText(b.confirmedAt!, a.confirmedAt!) || byText(b.churnId, a.churnId))
    .map((record) => ({
      churnId: record.churnId,
      customerId: record.customerId,
      customerNo: record.customerNo,
      customerName: record.customerName,
      manager: record.manager,
      lastOrderDate: record.lastOrderDate,
      warnedAt: record.warnedAt,
      measures: record.measures,
      reason: record.reason,
      confirmedAt: record.confirmedAt,
    }));
}

// The reporting scenario's data, as events: what the customer service, the sales bridge and the
// service desk would publish for --customers customers, --orders orders (the sales generator's
// orders, each as the bridge's sales.order.recorded.v1 would carry it), tickets and confirmed
// churn records. Published straight to the run's exchange through a confirm channel, as those
// services' relays do: the reporting service cannot tell the difference, and the scenario measures
// its consuming, not theirs.
require('../../register-paths');
const { randomUUID } = require('node:crypto');
const amqp = require('amqplib');
const { demoCustomers, generateSalesData, parseCents } = require('@crm/sales-system');
const { orderStatusOf } = require('@crm/contracts');

const TICKET_TYPES = ['咨询', '建议', '投诉'];
const CONFIRMS_EVERY = 2000;

/** Publishes CloudEvents on one confirm channel, waiting for the broker's confirms every few thousand. */
class EventFeed {
  static async open(amqpUrl, exchange) {
    const connection = await amqp.connect(amqpUrl);
    const channel = await connection.createConfirmChannel();
    return new EventFeed(connection, channel, exchange);
  }

  constructor(connection, channel, exchange) {
    this.connection = connection;
    this.channel = channel;
    this.exchange = exchange;
    this.unconfirmed = 0;
    this.published = 0;
  }

  async publish(type, source, data) {
    const id = randomUUID();
    const event = { specversion: '1.0', id, source, type, time: new Date().toISOString(), datacontenttype: 'application/json', data };
    const accepted = this.channel.publish(this.exchange, type, Buffer.from(JSON.stringify(event)), { persistent: true, messageId: id, type, contentType: 'application/json' });
    this.published++;
    if (!accepted || ++this.unconfirmed >= CONFIRMS_EVERY) await this.flush();
    return id;
  }

  async flush() {
    await this.channel.waitForConfirms();
    this.unconfirmed = 0;
  }

  async close() {
    await this.flush().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}

/** `count` customers as customer.customer.created.v1 snapshots, numbered KH00000001…, managers in turn. */
function customerSnapshots({ seed, count, managers, createdAt }) {
  return demoCustomers({ seed, count, managers: managers.map((m) => m.login) }).map((row, index) => {
    const manager = managers[index % managers.length];
    return {
      customerId: `bench-customer-${index + 1}`,
      version: 1,
      customerNo: `KH${String(index + 1).padStart(8, '0')}`,
      name: `${row.name}·${index + 1}`,
      manager: { id: manager.id, name: manager.name },
      region: row.region,
      level: row.level,
      credit: row.credit,
      satisfaction: row.satisfaction,
      status: 'normal',
      createdAt,
      updatedAt: createdAt,
      sourceOpportunityId: null,
      createdBy: { id: manager.id, name: manager.name },
    };
  });
}

/** The generator's orders as the bridge's events (version 1: the first sight of each), oldest first. */
function* orderEvents({ seed, customerNos, orders, today }) {
  const data = generateSalesData({ seed, customerNos, orders, today });
  const observedAt = new Date().toISOString();
  for (const batch of data.orderBatches(5000)) {
    const totals = new Map();
    for (const line of batch.lines) {
      const entry = totals.get(line.order) ?? { cents: 0, lines: 0 };
      entry.cents += parseCents(line.amount);
      entry.lines += 1;
      totals.set(line.order, entry);
    }
    for (const order of batch.orders) {
      const total = totals.get(order.id) ?? { cents: 0, lines: 0 };
      yield {
        orderId: String(order.id),
        version: 1,
        orderNo: String(order.id),
        customerNo: order.customerNo,
        orderDate: order.date,
        statusCode: order.status,
        status: orderStatusOf(order.status),
        deliveryAddress: order.deliveryAddress,
        totalAmount: total.cents / 100,
        lineCount: total.lines,
        observedAt,
      };
    }
  }
}

/** A ticket's snapshot in a state (created, or archived after one round), created on `createdAt`. */
function ticketSnapshot({ index, customer, createdAt, archived, handler }) {
  const at = createdAt.toISOString();
  const later = new Date(createdAt.getTime() + 3_600_000).toISOString();
  return {
    ticketId: `bench-ticket-${index}`,
    version: archived ? 4 : 1,
    type: TICKET_TYPES[index % TICKET_TYPES.length],
    summary: `服务请求 ${index}`,
    customerId: customer.customerId,
    customerNo: customer.customerNo,
    customerName: customer.name,
    request: '客户来电咨询设备保养事宜。',
    status: archived ? 'archived' : 'created',
    createdBy: customer.manager,
    createdAt: at,
    assignee: archived ? handler : null,
    assignedAt: archived ? at : null,
    rounds: archived
      ? [{ round: 1, handling: '已电话答复', handledBy: handler, handledAt: later, result: '满意', satisfaction: 4, feedbackBy: customer.manager, feedbackAt: later }]
      : [],
    satisfaction: archived ? 4 : null,
    archivedAt: archived ? later : null,
  };
}

/** A confirmed churn record of `customer`. */
function confirmedChurn({ index, customer, confirmedAt }) {
  const at = confirmedAt.toISOString();
  return {
    churnId: `bench-churn-${index}`,
    version: 3,
    customerId: customer.customerId,
    customerNo: customer.customerNo,
    customerName: customer.name,
    manager: customer.manager,
    lastOrderDate: null,
    warnedAt: at,
    status: 'confirmed',
    measures: [{ measure: '电话回访，客户无采购计划', at, by: customer.manager }],
    reason: '客户业务转型，不再采购',
    confirmedAt: at,
    closedAt: null,
  };
}

module.exports = { EventFeed, customerSnapshots, orderEvents, ticketSnapshot, confirmedChurn, TICKET_TYPES };

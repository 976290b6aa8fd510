// Opportunities through the gateway: creating and listing them, and how long a change takes to
// reach an external subscriber as an event (from sending the create request to the event arriving).
const path = require('node:path');
const amqp = require('amqplib');
const { measure, sampleRow } = require('../harness');
const { seedOpportunities } = require('../seed/opportunities');

const LIST_REQUESTS = 200;

const EVENT_WAIT_MS = 30_000;

module.exports = {
  name: 'opportunities',
  defaults: { requests: 1000, concurrency: 20 },

  /** Before the system starts: `--opportunities N` seeded into the marketing database. */
  async prepare({ dataDir, options }) {
    const file = path.join(dataDir, 'marketing.sqlite');
    const seed = await seedOpportunities({ file, count: options.opportunities, seed: options.seed, log: (line) => console.log(line) });
    return { seed, serviceEnvOf: { marketing: { DB_NAME: file } } };
  },

  async run({ system, api, amqpUrl, exchange, requests, concurrency }, { seed }) {
    const connection = await amqp.connect(amqpUrl);
    try {
      const channel = await connection.createChannel();
      const { queue } = await channel.assertQueue('', { exclusive: true });
      await channel.bindQueue(queue, exchange, 'marketing.opportunity.created.v1');
      const requestedAt = new Map();
      const arrivedAt = new Map();
      await channel.consume(queue, (message) => {
        arrivedAt.set(JSON.parse(message.content.toString()).data.opportunityId, performance.now());
        channel.ack(message);
      });

      // The list at volume, one request at a time (the query's own cost, not queueing).
      const lists = [
        ['GET /opportunities (supervisor, default page)', 'supervisor', ''],
        ['GET /opportunities?page=50 (supervisor)', 'supervisor', '?page=50'],
        ['GET /opportunities (manager: pool ∪ created ∪ assigned)', 'manager1', ''],
        ['GET /opportunities?page=20 (manager)', 'manager1', '?page=20'],
        ['  ?customerName= contains (one match)', 'supervisor', `?customerName=${encodeURIComponent(`客户 ${Math.floor(seed.count / 3)}`)}`],
        ['  ?customerName= contains (a city, ~10 %)', 'supervisor', `?customerName=${encodeURIComponent('杭州')}`],
        ['  ?status=assigned', 'supervisor', '?status=assigned'],
        ['  ?status=unassigned (manager)', 'manager1', '?status=unassigned'],
      ];
      const listRows = [];
      for (const [label, login, query] of lists) {
        listRows.push(await measure(label, { total: LIST_REQUESTS, concurrency: 1, request: () => api.expect(200, login, 'GET', `/opportunities${query}`) }));
      }

      const body = { customerName: 'Bench Co', successRate: 50, summary: 'bench', description: 'benchmark opportunity' };
      const create = () => api.expect(201, 'supervisor', 'POST', '/opportunities', body);
      const rows = [];
      rows.push(await measure('warm-up (POST /opportunities)', { total: 100, concurrency: 5, request: create }));
      rows.push(
        await measure('POST /opportunities', {
          total: requests,
          concurrency,
          request: async () => {
            const t0 = performance.now();
            requestedAt.set((await create()).body.id, t0);
          },
        }),
      );
      rows.push(
        await measure('GET /opportunities?summary=bench&pageSize=20', {
          total: requests,
          concurrency,
          request: () => api.expect(200, 'supervisor', 'GET', '/opportunities?summary=bench&pageSize=20'),
        }),
      );

      const deadline = Date.now() + EVENT_WAIT_MS;
      const arrived = () => [...requestedAt.keys()].filter((id) => arrivedAt.has(id));
      while (arrived().length < requestedAt.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const eventLatency = arrived().map((id) => arrivedAt.get(id) - requestedAt.get(id));
      const missing = requestedAt.size - eventLatency.length;
      rows.push(sampleRow('create request → event received', eventLatency, missing, missing ? `${missing} events not received within ${EVENT_WAIT_MS / 1000} s` : undefined));
      return {
        title: `opportunities at ${seed.count.toLocaleString('en')} (lists: ${LIST_REQUESTS} requests one at a time; writes: ${requests} requests, ${concurrency} concurrent; supervisor)`,
        rows: [...listRows, ...rows],
        notes: [`events: ${eventLatency.length}/${requestedAt.size} received by a subscriber of marketing.opportunity.created.v1`],
      };
    } finally {
      await connection.close().catch(() => undefined);
    }
  },
};

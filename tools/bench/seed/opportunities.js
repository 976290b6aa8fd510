// Seeds N opportunities into the marketing service's SQLite file before it starts, through the
// service's own migrations and entity (never hand-written SQL): a realistic mix of the pool,
// assigned and decided ones, created by and assigned to the demo managers and others over two years.
const { prng, realmManagers, fromDist } = require('./customers');

const DAY_MS = 86_400_000;
const CITIES = ['杭州', '上海', '北京', '深圳', '成都', '武汉', '南京', '西安', '苏州', '天津'];

async function seedOpportunities({ file, count = 100_000, seed = 1, log = console.log }) {
  const started = performance.now();
  const { ormInput } = fromDist('apps/marketing/src/database/orm-input.js');
  const { Opportunity } = fromDist('apps/marketing/src/opportunities/opportunity.entity.js');
  const { runMigrations, initOrm } = require('@crm/persistence');
  const input = ormInput({ DB_DRIVER: 'sqlite', DB_NAME: file });
  await runMigrations(input);
  const orm = await initOrm(input);
  const rand = prng(seed);
  const realm = realmManagers();
  const supervisor = { id: rand.uuid(), name: '主管' };
  const managers = [realm.manager1, realm.manager2, ...Array.from({ length: 18 }, (_, i) => ({ id: rand.uuid(), name: `经理${i + 3}` }))];
  const start = Date.now() - 730 * DAY_MS;
  const step = (730 * DAY_MS) / count;
  const counts = { unassigned: 0, assigned: 0, succeeded: 0, failed: 0 };
  try {
    for (let from = 0; from < count; from += 2000) {
      const em = orm.em.fork();
      for (let n = from; n < Math.min(count, from + 2000); n++) {
        const creator = rand.next() < 0.3 ? supervisor : rand.pick(managers);
        const opportunity = new Opportunity(
          { source: null, customerName: `${rand.pick(CITIES)}客户 ${n + 1}`, successRate: rand.int(0, 100), summary: `需求 ${n + 1}`, contact: null, contactPhone: null, description: '基准数据' },
          creator,
        );
        opportunity.createdAt = opportunity.updatedAt = new Date(start + n * step);
        const r = rand.next();
        if (r >= 0.05) {
          opportunity.assign(rand.pick(managers), supervisor, opportunity.createdAt);
          if (r > 0.6) opportunity.decide(r > 0.8 ? 'succeeded' : 'failed', opportunity.assigneeId, opportunity.createdAt);
        }
        counts[opportunity.status]++;
        em.persist(opportunity);
      }
      await em.flush();
    }
  } finally {
    await orm.close(true);
  }
  const seconds = (performance.now() - started) / 1000;
  log(`seeded ${count} opportunities (${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}) in ${seconds.toFixed(1)} s`);
  return { count, counts, seconds };
}

module.exports = { seedOpportunities };

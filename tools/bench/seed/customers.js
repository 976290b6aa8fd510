// Seeds the customer service's database with N customers (1–3 contacts each) before the service
// starts: through the service's own migrations, entity classes and ORM from dist/ — never SQL
// written here, so the seed follows the schema as it changes. Deterministic (seeded PRNG).
//   node tools/bench/seed/customers.js --file /tmp/customer.sqlite [--customers 100000] [--seed 1]
// (after a build: it loads dist/).
require('../../register-paths');
const path = require('node:path');
const { readFileSync } = require('node:fs');

const DIST = path.join(__dirname, '..', '..', '..', 'dist');
const ROOT = path.join(__dirname, '..', '..', '..');
const fromDist = (file) => require(path.join(DIST, file));

const BATCH_ROWS = 2000;
const DAY_MS = 24 * 3600 * 1000;

/** mulberry32: small, fast, good enough for test data; the same seed gives the same database. */
function prng(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  const pick = (list) => list[Math.floor(next() * list.length)];
  /** Picks from [[value, weight], …]. */
  const weighted = (pairs) => {
    const total = pairs.reduce((sum, [, weight]) => sum + weight, 0);
    let r = next() * total;
    for (const [value, weight] of pairs) if ((r -= weight) < 0) return value;
    return pairs.at(-1)[0];
  };
  const digits = (count) => Array.from({ length: count }, () => int(0, 9)).join('');
  /** A v4-shaped UUID from the PRNG, so ids are reproducible too. */
  const uuid = () => {
    const hex = Array.from({ length: 32 }, () => int(0, 15).toString(16));
    hex[12] = '4';
    hex[16] = (8 + int(0, 3)).toString(16);
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  };
  return { next, int, pick, weighted, digits, uuid };
}

const CITIES = ['上海', '北京', '天津', '重庆', '杭州', '苏州', '南京', '宁波', '无锡', '合肥', '广州', '深圳', '东莞', '佛山', '厦门', '福州', '青岛', '济南', '郑州', '武汉', '长沙', '南昌', '成都', '西安', '昆明', '贵阳', '沈阳', '大连', '长春', '哈尔滨', '石家庄', '太原', '兰州', '乌鲁木齐', '南宁', '海口', '香港', '澳门'];
const INDUSTRIES = ['机械', '电气', '化工', '物流', '科技', '贸易', '建材', '食品', '医药', '纺织', '汽车配件', '电子', '软件', '能源', '环保', '包装', '印刷', '家具', '钢铁', '塑料', '仪器仪表', '新材料', '农业', '通信', '重工'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超', '秀英', '建国', '海燕', '志强'];
const POSITIONS = ['采购经理', '总经理', '财务总监', '技术负责人', '设备主管', '行政主管', '销售总监', '项目经理'];
const BANKS = ['工商银行', '建设银行', '农业银行', '中国银行', '交通银行', '招商银行', '浦发银行', '兴业银行'];
const STREETS = ['人民路', '解放路', '中山路', '建设路', '工业大道', '科技园路', '滨江路', '长江路'];

/** Regions weighted towards the east and south, as a coastal seller's book would be. */
const REGION_WEIGHTS = { 华东: 22, 华南: 14, 华北: 10, 上海: 9, 北京: 8, 华中: 8, 西南: 7, 东北: 5, 天津: 4, 重庆: 4, 西北: 4, 港澳台: 2, 海外: 3 };
const LEVEL_WEIGHTS = { 普通客户: 50, 重点开发客户: 25, 大客户: 14, 合作伙伴: 8, 战略合作伙伴: 3 };

/** The demo managers from the realm file (manager3 is disabled: a former manager who still has customers). */
function realmManagers() {
  const realm = JSON.parse(readFileSync(path.join(ROOT, 'deploy', 'keycloak', 'realm-crm.json'), 'utf8'));
  const user = (username) => {
    const found = realm.users.find((u) => u.username === username);
    if (!found) throw new Error(`realm file has no user ${username}`);
    const name = [found.firstName, found.lastName].filter(Boolean).join(' ').trim() || found.username;
    return { id: found.id, name };
  };
  return { manager1: user('manager1'), manager2: user('manager2'), manager3: user('manager3'), supervisor: user('supervisor') };
}

/** Dictionary items the service seeds itself (regions, levels), with the weights above where known. */
function dictionaryWeights() {
  const { DICTIONARY_SEED } = fromDist('apps/customer/src/dictionary/dictionary-seed.js');
  const { DICTIONARY_CATEGORIES } = require('@crm/contracts');
  const of = (category, weights) =>
    DICTIONARY_SEED.filter((item) => item.category === category).map((item) => [item.item, weights[item.item] ?? 3]);
  return { regions: of(DICTIONARY_CATEGORIES.region, REGION_WEIGHTS), levels: of(DICTIONARY_CATEGORIES.customerLevel, LEVEL_WEIGHTS) };
}

/**
 * createdAt for N customers over the two years before today (UTC), ascending: working days
 * mostly, office hours in China (01:00–10:00 UTC), the book growing ~50 % over the period.
 */
function creationTimes(rand, count, end) {
  const start = end - 730 * DAY_MS;
  const times = new Array(count);
  for (let i = 0; i < count; i++) {
    let at;
    do {
      const u = Math.sqrt(4 + 5 * rand.next()) - 2; // inverse CDF of a density rising linearly from 2 to 3
      const day = start + Math.min(729, Math.floor(u * 730)) * DAY_MS;
      const weekday = new Date(day).getUTCDay();
      if ((weekday === 0 || weekday === 6) && rand.next() < 0.85) continue;
      at = day + DAY_MS / 24 + Math.floor(rand.next() * 9 * 3600 * 1000);
    } while (at === undefined);
    times[i] = at;
  }
  return times.sort((a, b) => a - b);
}

/**
 * Writes `count` customers with contacts into the SQLite file (created and migrated here), plus the
 * day counters the service continues from. Resolves with what the bench needs to pick targets.
 */
async function seedCustomers({ file, count = 100_000, seed = 1, timeZone = process.env.COMPANY_TIME_ZONE ?? 'Asia/Shanghai', log = console.log }) {
  const started = performance.now();
  const { ormInput } = fromDist('apps/customer/src/database/orm-input.js');
  const { Customer } = fromDist('apps/customer/src/customers/customer.entity.js');
  const { CustomerNumberSequence, formatCustomerNo, companyDay } = fromDist('apps/customer/src/customers/customer-numbers.js');
  const { CustomerOrigin } = fromDist('apps/customer/src/customers/customer-origin.entity.js');
  const { Contact } = fromDist('apps/customer/src/contacts/contact.entity.js');
  const { runMigrations, initOrm } = require('@crm/persistence');

  const input = ormInput({ DB_DRIVER: 'sqlite', DB_NAME: file });
  await runMigrations(input);
  const orm = await initOrm(input);

  const rand = prng(seed);
  const realm = realmManagers();
  const { regions, levels } = dictionaryWeights();
  const fakeManagers = Array.from({ length: 6 }, (_, i) => ({ id: rand.uuid(), name: `${SURNAMES[i * 3]}${GIVEN[i * 2 + 1]}` }));
  const managers = [
    [realm.manager1, 22],
    [realm.manager2, 18],
    [realm.manager3, 4],
    ...fakeManagers.map((manager, i) => [manager, [14, 12, 10, 8, 7, 5][i]]),
  ];
  const person = () => `${rand.pick(SURNAMES)}${rand.pick(GIVEN)}`;
  const phone = () => `0${rand.int(10, 999)}-${rand.digits(8)}`;

  const end = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const times = creationTimes(rand, count, end);
  const dayCounters = new Map();
  // The service's own companyDay, asked once per UTC quarter hour (it builds a formatter per call):
  // every real time zone's offset is a whole number of quarter hours, so a company day never
  // starts inside one, and the times come sorted.
  const QUARTER_MS = DAY_MS / 96;
  let dayCache = { quarter: -1, day: '' };
  const dayOf = (at) => {
    const quarter = Math.floor(at / QUARTER_MS);
    if (quarter !== dayCache.quarter) dayCache = { quarter, day: companyDay(new Date(quarter * QUARTER_MS), timeZone) };
    return dayCache.day;
  };

  /** Every customer's id, number, name, status, manager and completeness: the bench picks its targets from these. */
  const customers = [];
  const totals = { customers: 0, contacts: 0, origins: 0 };
  let batch = { customers: [], contacts: [], origins: [] };
  const flush = async () => {
    if (batch.customers.length === 0) return;
    const current = batch;
    batch = { customers: [], contacts: [], origins: [] };
    await orm.em.fork().transactional(async (em) => {
      await em.insertMany(current.customers);
      for (let i = 0; i < current.contacts.length; i += BATCH_ROWS) await em.insertMany(current.contacts.slice(i, i + BATCH_ROWS));
      if (current.origins.length) await em.insertMany(current.origins);
    });
  };

  try {
    for (let n = 0; n < count; n++) {
      const createdAt = new Date(times[n]);
      const day = dayOf(times[n]);
      const sequence = (dayCounters.get(day) ?? 0) + 1;
      dayCounters.set(day, sequence);
      const manager = rand.weighted(managers);
      const createdBy = rand.next() < 0.3 ? realm.supervisor : manager;
      const city = rand.pick(CITIES);
      const name = `${city}${rand.pick(INDUSTRIES)}有限公司 ${n + 1}`;
      // ~8 % came from a successful opportunity and still hold only what it knew.
      const fromOpportunity = rand.next() < 0.08;
      const details = fromOpportunity
        ? { name }
        : {
            name,
            region: rand.weighted(regions),
            level: rand.weighted(levels),
            satisfaction: rand.int(1, 5),
            credit: rand.int(1, 5),
            address: `${city}市${rand.pick(STREETS)}${rand.int(1, 999)}号`,
            zip: rand.digits(6),
            phone: phone(),
            fax: rand.next() < 0.4 ? phone() : null,
            website: rand.next() < 0.5 ? `https://www.company${n + 1}.com.cn` : null,
            licenceNo: `91${rand.digits(6)}MA${rand.digits(9)}X`.slice(0, 18),
            legalPerson: person(),
            registeredCapital: rand.int(50, 50_000),
            annualTurnover: rand.next() < 0.7 ? rand.int(100, 500_000) : null,
            bank: rand.pick(BANKS),
            bankAccount: rand.digits(19),
            localTaxNo: `L${rand.digits(15)}`,
            nationalTaxNo: `N${rand.digits(15)}`,
          };
      const customer = new Customer(formatCustomerNo(day, sequence), details, manager, createdBy, createdAt);
      customer.id = rand.uuid();
      if (fromOpportunity) {
        customer.sourceOpportunityId = rand.uuid();
        const origin = new CustomerOrigin(customer.sourceOpportunityId, customer.id);
        origin.createdAt = createdAt;
        batch.origins.push(origin);
      }
      const fate = rand.next();
      if (fate < 0.02) {
        customer.softDelete(new Date(Math.min(end - 1, times[n] + rand.int(1, 300) * DAY_MS)));
      } else if (fate < 0.07) {
        customer.status = 'churned';
        customer.updatedAt = new Date(Math.min(end - 1, times[n] + rand.int(90, 500) * DAY_MS));
      }
      customers.push({ id: customer.id, customerNo: customer.customerNo, name, status: customer.status, managerId: manager.id, complete: !fromOpportunity });
      batch.customers.push(customer);

      const contacts = fromOpportunity ? 1 : rand.weighted([[1, 45], [2, 35], [3, 20]]);
      for (let c = 0; c < contacts; c++) {
        const contact = new Contact(
          customer.id,
          {
            name: person(),
            gender: fromOpportunity ? null : rand.pick(['male', 'female']),
            position: fromOpportunity ? null : rand.pick(POSITIONS),
            officePhone: phone(),
            mobile: fromOpportunity ? null : `1${rand.pick(['3', '5', '8'])}${rand.digits(9)}`,
            memo: rand.next() < 0.1 ? '每周一上午联系' : null,
          },
          new Date(times[n] + c * rand.int(1, 60) * 60_000),
        );
        contact.id = rand.uuid();
        batch.contacts.push(contact);
      }
      totals.customers++;
      totals.contacts += contacts;
      totals.origins += fromOpportunity ? 1 : 0;
      if (batch.customers.length >= BATCH_ROWS) await flush();
    }
    await flush();
    // The service continues each day's numbering from here (today's too, should the range reach it).
    const counters = [...dayCounters].map(([day, last]) => new CustomerNumberSequence(day, last));
    await orm.em.fork().transactional(async (em) => {
      for (let i = 0; i < counters.length; i += BATCH_ROWS) await em.insertMany(counters.slice(i, i + BATCH_ROWS));
    });
  } finally {
    await orm.close(true);
  }
  const seconds = (performance.now() - started) / 1000;
  const countOf = (status) => customers.filter((c) => c.status === status).length;
  log(
    `seeded ${totals.customers} customers (${countOf('churned')} churned, ${countOf('deleted')} deleted, ${totals.origins} from opportunities, incomplete), ` +
      `${totals.contacts} contacts, over ${dayCounters.size} days, in ${seconds.toFixed(1)} s`,
  );
  return {
    file,
    seconds,
    totals,
    customers,
    managers: { manager1: realm.manager1, manager2: realm.manager2 },
    regions: regions.map(([item]) => item),
    levels: levels.map(([item]) => item),
    cities: CITIES,
    days: [...dayCounters.keys()],
  };
}

module.exports = { seedCustomers, prng, realmManagers, fromDist };

if (require.main === module) {
  const arg = (name, fallback) => {
    const index = process.argv.indexOf(`--${name}`);
    return index > 0 ? process.argv[index + 1] : fallback;
  };
  const file = arg('file');
  if (!file) {
    console.error('usage: seed/customers.js --file <customer.sqlite> [--customers 100000] [--seed 1]');
    process.exit(2);
  }
  seedCustomers({ file: path.resolve(file), count: Number(arg('customers', 100_000)), seed: Number(arg('seed', 1)) }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

import { addressIn, CITIES, phoneIn, type City } from './places';
import { createRandom, type Random } from './random';

/**
 * One customer as the customer service's import takes it (requirements §2.1): every field a
 * complete customer needs, and a few optional ones. `manager` is a login.
 */
export interface DemoCustomer {
  name: string;
  region: string;
  manager: string;
  level: string;
  satisfaction: number;
  credit: number;
  address: string;
  zip: string;
  phone: string;
  fax: string | null;
  website: string | null;
  licenceNo: string;
  legalPerson: string;
  /** 万元 (10,000 CNY). */
  registeredCapital: number;
  annualTurnover: number;
  bank: string;
  bankAccount: string;
  localTaxNo: string;
  nationalTaxNo: string;
}

export interface DemoCustomersOptions {
  seed: number | string;
  count: number;
  /** Account managers' logins; customers go to them in turn. */
  managers: readonly string[];
}

/**
 * The import's columns under the English headers of the customer service's spreadsheet
 * (apps/customer/src/transfer/customer-columns.ts; this library may not import an app, so they
 * are repeated here). `Customer No` is left out: every row is a new customer.
 */
export const DEMO_CUSTOMER_COLUMNS: readonly { key: keyof DemoCustomer; header: string }[] = [
  { key: 'name', header: 'Name' },
  { key: 'region', header: 'Region' },
  { key: 'manager', header: 'Manager' },
  { key: 'level', header: 'Level' },
  { key: 'satisfaction', header: 'Satisfaction' },
  { key: 'credit', header: 'Credit' },
  { key: 'address', header: 'Address' },
  { key: 'zip', header: 'Zip' },
  { key: 'phone', header: 'Phone' },
  { key: 'fax', header: 'Fax' },
  { key: 'website', header: 'Website' },
  { key: 'licenceNo', header: 'Licence No' },
  { key: 'legalPerson', header: 'Legal person' },
  { key: 'registeredCapital', header: 'Registered capital' },
  { key: 'annualTurnover', header: 'Annual turnover' },
  { key: 'bank', header: 'Bank' },
  { key: 'bankAccount', header: 'Bank account' },
  { key: 'localTaxNo', header: 'Local tax No' },
  { key: 'nationalTaxNo', header: 'National tax No' },
];

/** The items of the dictionary 企业客户等级 as the customer service seeds it, most common first. */
export const DEMO_CUSTOMER_LEVELS = ['普通客户', '重点开发客户', '大客户', '合作伙伴', '战略合作伙伴'] as const;

const LEVEL_WEIGHTS = [50, 20, 15, 10, 5];
const RATINGS = [1, 2, 3, 4, 5];
const SATISFACTION_WEIGHTS = [5, 10, 30, 35, 20];
const CREDIT_WEIGHTS = [5, 10, 25, 35, 25];
const CORES = [
  '恒达', '宏远', '华通', '金鼎', '鑫源', '永盛', '瑞丰', '天成', '中兴', '顺发', '精工', '博远', '众诚', '海纳', '凯达', '德润',
  '光明', '长城', '东升', '新锐', '汇丰', '联创', '盛世', '安泰', '明辉', '利民', '鸿运', '兴旺', '信达', '百川', '万通', '正泰',
  '方圆', '嘉禾', '华誉', '卓越', '锦程', '同创', '泰和', '远航', '宝丰', '合力', '力拓', '群英', '昌盛', '祥和', '维康', '亿嘉',
  '通力', '旭日', '创新', '开元', '振华', '立信', '晨光', '金桥', '鼎盛', '红星', '蓝天', '绿源', '华星', '国泰', '荣达', '伟业',
  '佳美', '启航', '森海', '恒信', '大成', '融通', '科达', '世纪', '华瑞', '金石', '龙腾', '恒瑞', '浩宇', '永兴', '众合', '诚信',
];
const INDUSTRIES = [
  '机械', '电气', '自动化', '五金', '化工', '建材', '科技', '机电', '设备', '钢铁', '环保', '新能源',
  '精密机械', '液压', '泵业', '阀门', '电子', '包装', '物流', '工程', '纺织', '塑胶', '铸造', '仪器仪表',
];
const SUFFIXES = ['有限公司', '股份有限公司', '实业有限公司', '制造有限公司', '集团有限公司'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程'.split('');
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌海波宁鹏辉玉兰飞鑫浩然'.split('');
const BANKS = ['中国工商银行', '中国建设银行', '中国农业银行', '中国银行', '交通银行', '招商银行', '浦发银行', '兴业银行', '中信银行', '中国民生银行'];
const CAPITALS = [50, 100, 200, 300, 500, 800, 1000, 2000, 3000, 5000, 10000, 20000];
const CAPITAL_WEIGHTS = [8, 15, 15, 12, 15, 8, 10, 6, 4, 4, 2, 1];
const NAME_SPACE = CITIES.length * CORES.length * INDUSTRIES.length * SUFFIXES.length;

/**
 * `count` customers for `seed`, the same ones every time; the first n of a longer list are the
 * list of n. Names and licence numbers never repeat: each row's index goes through a permutation
 * of all city × core × industry × suffix names — over 500,000 of them — and beyond those a row
 * becomes a branch (分公司) of one; licence numbers likewise, over 10^8.
 */
export function demoCustomers(options: DemoCustomersOptions): DemoCustomer[] {
  if (options.managers.length === 0) throw new RangeError('demo customers need at least one manager');
  if (!Number.isInteger(options.count) || options.count < 0) throw new RangeError('count must be a whole number ≥ 0');
  const random = createRandom(options.seed, 'demo-customers');
  const names = permutation(createRandom(options.seed, 'demo-names'), NAME_SPACE);
  const licences = permutation(createRandom(options.seed, 'demo-licences'), 100_000_000);
  const organisations = permutation(createRandom(options.seed, 'demo-organisations'), 100_000_000);
  const rows: DemoCustomer[] = [];
  for (let i = 0; i < options.count; i++) {
    const { name, city } = companyName(names(i % NAME_SPACE), Math.floor(i / NAME_SPACE));
    const area = areaCodeOf(city);
    const organisation = organisationCode(organisations(i % 100_000_000));
    const capital = random.weighted(CAPITALS, CAPITAL_WEIGHTS);
    rows.push({
      name,
      region: city.region,
      manager: options.managers[i % options.managers.length],
      level: random.weighted(DEMO_CUSTOMER_LEVELS, LEVEL_WEIGHTS),
      satisfaction: random.weighted(RATINGS, SATISFACTION_WEIGHTS),
      credit: random.weighted(RATINGS, CREDIT_WEIGHTS),
      address: addressIn(city, random),
      zip: zipIn(city, random),
      phone: phoneIn(city, random),
      fax: random.chance(0.4) ? phoneIn(city, random) : null,
      website: random.chance(0.35) ? `www.${letters(random, random.int(4, 9))}.com.cn` : null,
      licenceNo: withCheckDigit(`${area}${String(licences(i % 100_000_000)).padStart(8, '0')}`),
      legalPerson: `${random.pick(SURNAMES)}${random.pick(GIVEN)}${random.chance(0.6) ? random.pick(GIVEN) : ''}`,
      registeredCapital: capital,
      annualTurnover: Math.max(10, Math.round(capital * (0.3 + 4 * random.next() ** 2))),
      bank: `${random.pick(BANKS)}${city.short}${random.pick(city.districts).replace(/[区县市镇]$/, '')}支行`,
      bankAccount: digits(random, 19).replace(/(\d{4})(?=\d)/g, '$1 '),
      localTaxNo: `${area}${organisation}`,
      nationalTaxNo: `91${area}${organisation}${random.int(0, 9)}`,
    });
  }
  return rows;
}

/**
 * The rows as a CSV the customer service imports: UTF-8 with a byte order mark (so Excel shows
 * the Chinese right when someone opens it), CRLF line ends and RFC 4180 quoting.
 */
export function demoCustomersCsv(rows: Iterable<DemoCustomer>): string {
  const lines = [DEMO_CUSTOMER_COLUMNS.map((column) => csvField(column.header)).join(',')];
  for (const row of rows) lines.push(DEMO_CUSTOMER_COLUMNS.map((column) => csvField(row[column.key])).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function companyName(index: number, branch: number): { name: string; city: City } {
  let rest = index;
  const next = (size: number) => {
    const value = rest % size;
    rest = Math.floor(rest / size);
    return value;
  };
  const city = CITIES[next(CITIES.length)];
  const base = `${city.short}${CORES[next(CORES.length)]}${INDUSTRIES[next(INDUSTRIES.length)]}${SUFFIXES[next(SUFFIXES.length)]}`;
  if (branch === 0) return { name: base, city };
  // Beyond the plain names: a branch of one in another city, numbered once the cities run out.
  const others = CITIES.length - 1;
  const branchCity = CITIES[(CITIES.indexOf(city) + 1 + ((branch - 1) % others)) % CITIES.length];
  const round = Math.floor((branch - 1) / others);
  return { name: `${base}${branchCity.short}${round > 0 ? `第${round + 1}` : ''}分公司`, city: branchCity };
}

/**
 * A pseudo-random permutation of [0, size): a four-round Feistel network over the smallest even
 * number of bits that holds `size`, walking the cycle until the value falls below `size`. Every
 * index gets its own value, and neighbouring indexes get unrelated ones (an affine map would
 * step through the names' parts in lockstep: three 设备股份有限公司 in a row).
 */
function permutation(random: Random, size: number): (index: number) => number {
  let bits = 2;
  while (2 ** bits < size) bits += 2;
  const half = bits / 2;
  const mask = 2 ** half - 1;
  const keys = Array.from({ length: 4 }, () => random.int(0, 0x7fffffff));
  const encrypt = (value: number) => {
    let left = Math.floor(value / 2 ** half);
    let right = value & mask;
    for (const key of keys) {
      const mixed = (Math.imul(right ^ key, 0x9e3779b1) ^ (Math.imul(right + key, 0x85ebca6b) >>> 13)) & mask;
      [left, right] = [right, left ^ mixed];
    }
    return left * 2 ** half + right;
  };
  return (index) => {
    let value = encrypt(index);
    while (value >= size) value = encrypt(value);
    return value;
  };
}

/** A six-digit place code for registration numbers; the postal code stands in for the official one. */
function areaCodeOf(city: City): string {
  return city.zip.slice(0, 4) + '00';
}

function zipIn(city: City, random: Random): string {
  return city.region === '港澳台' || city.region === '海外' ? city.zip : `${city.zip.slice(0, 4)}${String(random.int(0, 99)).padStart(2, '0')}`;
}

/** 组织机构代码: eight digits and a check character (GB 11714's weights). */
function organisationCode(serial: number): string {
  const body = String(serial).padStart(8, '0');
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((total, digit, i) => total + Number(digit) * weights[i], 0);
  const check = 11 - (sum % 11);
  return body + (check === 10 ? 'X' : check === 11 ? '0' : String(check));
}

/** 注册号: fourteen digits and an ISO 7064 MOD 11,10 check digit, as the old fifteen-digit numbers have. */
function withCheckDigit(body: string): string {
  let product = 10;
  for (const digit of body) {
    let sum = (product + Number(digit)) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  return body + String((11 - product) % 10);
}

function digits(random: Random, length: number): string {
  let text = String(random.int(1, 9));
  while (text.length < length) text += String(random.int(0, 9));
  return text;
}

function letters(random: Random, length: number): string {
  let text = '';
  while (text.length < length) text += String.fromCharCode(97 + random.int(0, 25));
  return text;
}

import { addressIn, CITIES } from './places';
import { createRandom, weightedPicker, type Random } from './random';
import { formatCents, generateProducts, generateStorage, parseCents, type SalesProductRow, type SalesStorageRow } from './sales-catalogue';

export interface SalesDataOptions {
  seed: number | string;
  /** The CRM's customer numbers the orders belong to (unique). */
  customerNos: readonly string[];
  /** How many orders in all. */
  orders: number;
  /** Default 200. */
  products?: number;
  /** Default 5. */
  warehouses?: number;
  /** The generator's "today", `YYYY-MM-DD`: no order is later. */
  today: string;
  /** Orders spread over this many years up to today; default 4. */
  years?: number;
  /** Share of customers that never ordered; default 0.1. */
  neverOrderedShare?: number;
  /** Share of customers whose orders are all older than six months; default 0.15. */
  staleShare?: number;
}

/** A row of the orders table; `id` is the order number. */
export interface SalesOrderRow {
  id: number;
  customerNo: string;
  /** `YYYY-MM-DD`. */
  date: string;
  deliveryAddress: string;
  /** 1–4 earlier steps, 5 shipped (已发货), 6 paid (已回款). */
  status: number;
}

/** A row of the order-line table, plus its amount (count × unit price), which the table does not keep. */
export interface SalesOrderLineRow {
  id: number;
  order: number;
  product: number;
  count: number;
  unit: string;
  /** Unit price, decimal(12,2) text. */
  price: string;
  amount: string;
}

export interface SalesOrderBatch {
  orders: SalesOrderRow[];
  lines: SalesOrderLineRow[];
}

/**
 * Which customers the data makes inactive, decided by the options alone. Safety margins keep the
 * plan true whichever way "six months" is counted (calendar months, 180 or 183 days, time zones):
 * a stale customer's last order is at least two weeks before `cutoff`, and every active customer
 * has a shipped or paid order at least two weeks after it.
 */
export interface CustomerActivityPlan {
  today: string;
  /** The earliest possible order date. */
  firstDate: string;
  /** Six calendar months before today. */
  cutoff: string;
  /** No order at all. */
  neverOrdered: string[];
  /** Only orders before `cutoff` − 14 days, at least one of them shipped or paid. */
  stale: string[];
  /** At least one shipped or paid order on or after `cutoff` + 14 days. */
  active: string[];
}

export interface GeneratedSalesData {
  plan: CustomerActivityPlan;
  products: SalesProductRow[];
  storage: SalesStorageRow[];
  orderCount: number;
  /**
   * The orders, oldest first (order numbers grow with the date, as a sales system hands them
   * out), with their lines, `batchSize` orders at a time. Each call starts again from the first
   * order and yields the same rows, so only one batch is ever in memory.
   */
  orderBatches(batchSize?: number): Generator<SalesOrderBatch>;
}

const MARGIN_DAYS = 14;
const DAY_MS = 86_400_000;
/** Lines per order, 1–6, fewer more often. */
const LINE_COUNT_WEIGHTS = [30, 25, 18, 12, 9, 6];
const STATUSES = [1, 2, 3, 4, 5, 6];
/** Status weights by the order's age: the young are still under way, the old shipped and mostly paid. */
const STATUS_BY_AGE: readonly { maxAge: number; weights: number[] }[] = [
  { maxAge: 7, weights: [20, 20, 20, 15, 20, 5] },
  { maxAge: 30, weights: [5, 8, 10, 12, 45, 20] },
  { maxAge: 90, weights: [1, 2, 3, 4, 40, 50] },
  { maxAge: Infinity, weights: [0.3, 0.3, 0.4, 0.5, 15, 83.5] },
];
const ORDER_QUANTITY: Record<string, number> = { 台: 8, 套: 20, 箱: 60, 件: 300 };

interface Resolved extends Required<SalesDataOptions> {
  todayDay: number;
  firstDay: number;
  cutoffDay: number;
}

/** The inactive customers of `options`, without generating anything else. */
export function customerActivityPlan(options: SalesDataOptions): CustomerActivityPlan {
  return planFor(resolve(options));
}

/** The sales data of `options`: products and storage at once, orders as a stream of batches. */
export function generateSalesData(options: SalesDataOptions): GeneratedSalesData {
  const resolved = resolve(options);
  const plan = planFor(resolved);
  const products = generateProducts(resolved.seed, resolved.products);
  const storage = generateStorage(resolved.seed, products, resolved.warehouses);
  const windows = orderWindows(resolved, plan);
  return {
    plan,
    products,
    storage,
    orderCount: resolved.orders,
    orderBatches: (batchSize = 1000) => orderBatches(resolved, products, windows, batchSize),
  };
}

function resolve(options: SalesDataOptions): Resolved {
  const resolved = {
    ...options,
    products: options.products ?? 200,
    warehouses: options.warehouses ?? 5,
    years: options.years ?? 4,
    neverOrderedShare: options.neverOrderedShare ?? 0.1,
    staleShare: options.staleShare ?? 0.15,
  };
  const todayDay = parseDay(resolved.today);
  if (!Number.isInteger(resolved.orders) || resolved.orders < 0) throw new RangeError(`orders must be a whole number ≥ 0, not ${resolved.orders}`);
  if (!Number.isInteger(resolved.years) || resolved.years < 1) throw new RangeError(`years must be a whole number ≥ 1, not ${resolved.years}`);
  if (!Number.isInteger(resolved.products) || resolved.products < 1) throw new RangeError('products must be a whole number ≥ 1');
  if (!Number.isInteger(resolved.warehouses) || resolved.warehouses < 1) throw new RangeError('warehouses must be a whole number ≥ 1');
  const shares = [resolved.neverOrderedShare, resolved.staleShare];
  if (shares.some((share) => !(share >= 0 && share <= 1)) || shares[0] + shares[1] > 1) {
    throw new RangeError('neverOrderedShare and staleShare must lie in [0, 1] and add up to 1 at most');
  }
  if (new Set(resolved.customerNos).size !== resolved.customerNos.length) throw new RangeError('customerNos must be unique');
  const firstDay = addYears(todayDay, -resolved.years) + 1;
  return { ...resolved, todayDay, firstDay, cutoffDay: addMonths(todayDay, -6) };
}

function planFor(options: Resolved): CustomerActivityPlan {
  const count = options.customerNos.length;
  const order = createRandom(options.seed, 'plan').shuffle(Array.from({ length: count }, (_, i) => i));
  const neverCount = Math.round(count * options.neverOrderedShare);
  const staleCount = Math.min(count - neverCount, Math.round(count * options.staleShare));
  // Listed in the caller's order, so a reader finds a customer where they put it.
  const pick = (from: number, to: number) => order.slice(from, to).sort((a, b) => a - b).map((i) => options.customerNos[i]);
  return {
    today: options.today,
    firstDate: formatDay(options.firstDay),
    cutoff: formatDay(options.cutoffDay),
    neverOrdered: pick(0, neverCount),
    stale: pick(neverCount, neverCount + staleCount),
    active: pick(neverCount + staleCount, count),
  };
}

/**
 * Three stretches of time, each with its number of orders, its customers and the customers that
 * must get one order there (anchors): before `cutoff` − margin everyone but the never-ordered
 * buys, each stale customer at least once; then only active customers, each of them at least
 * once after `cutoff` + margin. Orders grow over the years (twice as many a day at the end as at
 * the start), and the last stretch gets more than that share if the anchors need it.
 */
interface Window {
  startDay: number;
  endDay: number;
  count: number;
  customers: readonly string[];
  anchors: readonly string[];
}

function orderWindows(options: Resolved, plan: CustomerActivityPlan): Window[] {
  const staleEnd = options.cutoffDay - MARGIN_DAYS;
  const anchorStart = options.cutoffDay + MARGIN_DAYS;
  const endDay = options.todayDay + 1;
  const total = options.orders;
  const buyers = [...plan.active, ...plan.stale];
  if (total > 0 && buyers.length === 0) throw new RangeError('orders need customers that order: every customer is never-ordered');
  const share = (day: number) => growthCdf((day - options.firstDay) / (endDay - options.firstDay));
  let early = Math.round(total * share(staleEnd));
  let late = total - Math.round(total * share(anchorStart));
  if (plan.active.length === 0) [early, late] = [total, 0];
  let middle = total - early - late;
  // Anchors need room: a stretch short of them takes orders from the middle, then from the other's spare ones.
  const take = (needed: number, available: number) => Math.min(Math.max(0, needed), Math.max(0, available));
  let moved = take(plan.active.length - late, middle);
  [middle, late] = [middle - moved, late + moved];
  moved = take(plan.active.length - late, early - plan.stale.length);
  [early, late] = [early - moved, late + moved];
  moved = take(plan.stale.length - early, middle);
  [middle, early] = [middle - moved, early + moved];
  moved = take(plan.stale.length - early, late - plan.active.length);
  [late, early] = [late - moved, early + moved];
  if (late < plan.active.length || early < plan.stale.length) {
    throw new RangeError(
      `${total} orders are too few: ${plan.active.length} active customers need one each in the last six months and ${plan.stale.length} stale ones one each before`,
    );
  }
  return [
    { startDay: options.firstDay, endDay: staleEnd, count: early, customers: buyers, anchors: plan.stale },
    { startDay: staleEnd, endDay: anchorStart, count: middle, customers: plan.active, anchors: [] },
    { startDay: anchorStart, endDay, count: late, customers: plan.active, anchors: plan.active },
  ];
}

function* orderBatches(
  options: Resolved,
  products: readonly SalesProductRow[],
  windows: readonly Window[],
  batchSize: number,
): Generator<SalesOrderBatch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a whole number ≥ 1');
  const random = createRandom(options.seed, 'orders');
  const customerWeight = weightsOf(options.seed, 'customer-weights', options.customerNos);
  const productPicker = weightedPicker(lognormalWeights(createRandom(options.seed, 'product-weights'), products.length, 1));
  const productCents = products.map((product) => parseCents(product.price));
  const addresses = new Map<string, string[]>();
  const span = options.todayDay + 1 - options.firstDay;
  let orderId = 0;
  let lineId = 0;
  let batch: SalesOrderBatch = { orders: [], lines: [] };
  for (const window of windows) {
    if (window.count === 0) continue;
    const pickCustomer = weightedPicker(window.customers.map((customerNo) => customerWeight.get(customerNo) ?? 1));
    const anchors = createRandom(options.seed, `anchors-${window.startDay}`).shuffle([...window.anchors]);
    const fromShare = growthCdf((window.startDay - options.firstDay) / span);
    const toShare = growthCdf((window.endDay - options.firstDay) / span);
    let anchorsLeft = anchors.length;
    for (let j = 0; j < window.count; j++) {
      // Selection sampling: each order is an anchor with the odds that place exactly all anchors.
      const anchor = anchorsLeft > 0 && random.next() * (window.count - j) < anchorsLeft;
      const customerNo = anchor ? anchors[anchors.length - anchorsLeft--] : window.customers[pickCustomer(random)];
      const position = fromShare + ((j + 0.5) / window.count) * (toShare - fromShare);
      const day = Math.min(window.endDay - 1, Math.max(window.startDay, options.firstDay + Math.floor(growthInverse(position) * span)));
      const age = options.todayDay - day;
      const status = anchor ? (random.chance(age > 60 ? 0.8 : 0.35) ? 6 : 5) : random.weighted(STATUSES, STATUS_BY_AGE.find((band) => age <= band.maxAge)!.weights);
      orderId++;
      batch.orders.push({ id: orderId, customerNo, date: formatDay(day), deliveryAddress: deliveryAddress(options.seed, addresses, customerNo, random), status });
      const chosen = new Set<number>();
      const lineCount = random.weighted(STATUSES, LINE_COUNT_WEIGHTS);
      while (chosen.size < Math.min(lineCount, products.length)) chosen.add(productPicker(random));
      for (const index of chosen) {
        const product = products[index];
        const count = 1 + Math.floor(ORDER_QUANTITY[product.unit] * random.next() ** 3);
        // A quarter of the lines carry a negotiated price a little under the list price.
        const cents = random.chance(0.25) ? Math.max(1, Math.round(productCents[index] * (0.85 + 0.13 * random.next()))) : productCents[index];
        batch.lines.push({ id: ++lineId, order: orderId, product: product.id, count, unit: product.unit, price: formatCents(cents), amount: formatCents(cents * count) });
      }
      if (batch.orders.length === batchSize) {
        yield batch;
        batch = { orders: [], lines: [] };
      }
    }
  }
  if (batch.orders.length > 0) yield batch;
}

/** A customer orders to its head office and, one time in six, to a second site; both stay the same. */
function deliveryAddress(seed: number | string, cache: Map<string, string[]>, customerNo: string, random: Random): string {
  let sites = cache.get(customerNo);
  if (!sites) {
    const own = createRandom(seed, `address-${customerNo}`);
    const place = own.pick(CITIES);
    sites = [addressIn(place, own), addressIn(own.chance(0.7) ? place : own.pick(CITIES), own)];
    cache.set(customerNo, sites);
  }
  return sites[random.chance(1 / 6) ? 1 : 0];
}

/** Some customers buy far more than others: log-normal weights. */
function weightsOf(seed: number | string, stream: string, customerNos: readonly string[]): Map<string, number> {
  const weights = lognormalWeights(createRandom(seed, stream), customerNos.length, 1.1);
  return new Map(customerNos.map((customerNo, i) => [customerNo, weights[i]]));
}

function lognormalWeights(random: Random, count: number, sigma: number): Float64Array {
  const weights = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    // Box–Muller; 1 - next() is never 0.
    const normal = Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
    weights[i] = Math.exp(sigma * normal);
  }
  return weights;
}

/** Share of orders up to fraction `x` of the period when the daily rate grows linearly from 1 to 2. */
function growthCdf(x: number): number {
  const t = Math.min(1, Math.max(0, x));
  return (t + (t * t) / 2) / 1.5;
}

function growthInverse(share: number): number {
  return -1 + Math.sqrt(1 + 3 * share);
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` calendar date. */
function parseDay(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const day = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS : NaN;
  if (!match || formatDay(day) !== text) throw new RangeError(`today must be a date YYYY-MM-DD, not "${text}"`);
  return day;
}

function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The same day `months` months away; the 31st becomes the month's last day where it has none. */
function addMonths(day: number, months: number): number {
  const date = new Date(day * DAY_MS);
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(date.getUTCDate(), lastDay)) / DAY_MS;
}

function addYears(day: number, years: number): number {
  return addMonths(day, years * 12);
}

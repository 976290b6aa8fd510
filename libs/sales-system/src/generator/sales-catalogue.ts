import { createRandom, type Random } from './random';

/** A row of the product table (keys are the SalesNames column keys). Money as exact text, 2 decimals. */
export interface SalesProductRow {
  id: number;
  name: string;
  model: string;
  batch: string;
  unit: string;
  price: string;
  memo: string | null;
}

/** A row of the storage table. */
export interface SalesStorageRow {
  id: number;
  product: number;
  warehouse: string;
  location: string;
  count: number;
  memo: string | null;
}

type Unit = '台' | '件' | '箱' | '套';

interface Kind {
  name: string;
  unit: Unit;
  /** Price range in yuan. */
  low: number;
  high: number;
  model: (random: Random) => string;
}

const sized = (prefix: string, sizes: readonly (number | string)[], suffix = '') => (random: Random) => `${prefix}${random.pick(sizes)}${suffix}`;

/** What an industrial supplier sells, with the model numbers such goods carry. */
const KINDS: readonly Kind[] = [
  { name: '离心泵', unit: '台', low: 1800, high: 26000, model: (r) => `IS${r.pick([50, 65, 80, 100, 125])}-${r.pick([32, 40, 50])}-${r.pick([125, 160, 200, 250])}` },
  { name: '管道泵', unit: '台', low: 900, high: 12000, model: (r) => `ISG${r.pick([25, 40, 50, 65, 80])}-${r.pick([125, 160, 200])}` },
  { name: '齿轮减速机', unit: '台', low: 2400, high: 38000, model: sized('ZLY', [112, 125, 140, 160, 180, 200]) },
  { name: '三相异步电动机', unit: '台', low: 800, high: 45000, model: (r) => `Y2-${r.pick([90, 100, 112, 132, 160, 180])}${r.pick(['S', 'M', 'L'])}-${r.pick([2, 4, 6])}` },
  { name: '变频器', unit: '台', low: 1200, high: 30000, model: (r) => `VFD${r.pick(['007', '015', '022', '037', '055', '075', '110'])}-${r.pick(['M', 'F', 'E'])}` },
  { name: '空气压缩机', unit: '台', low: 3000, high: 90000, model: (r) => `LG-${r.pick(['3.6', '6.0', '10', '13', '20'])}/${r.pick([8, 10, 13])}` },
  { name: '配电柜', unit: '台', low: 3000, high: 60000, model: sized('GGD', [1, 2, 3], '型') },
  { name: '数控车床', unit: '台', low: 45000, high: 160000, model: sized('CK61', [40, 50, 63, 80]) },
  { name: '冷却塔', unit: '台', low: 8000, high: 150000, model: sized('CTA-', [50, 80, 100, 150, 200], 'UFW') },
  { name: '可编程控制器', unit: '套', low: 2000, high: 18000, model: (r) => `PLC-${r.pick(['S7', 'FX5', 'CP1'])}-${r.int(10, 99)}` },
  { name: '皮带输送机', unit: '套', low: 5000, high: 40000, model: (r) => `TD75-${r.pick([500, 650, 800, 1000])}` },
  { name: '电缆桥架', unit: '套', low: 200, high: 3000, model: (r) => `QJ-${r.pick([100, 200, 300, 400])}×${r.pick([50, 100, 150])}` },
  { name: '工具套装', unit: '套', low: 80, high: 1200, model: (r) => `TS-${r.pick([32, 46, 72, 120, 150])}` },
  { name: '工业机器人', unit: '套', low: 60000, high: 180000, model: (r) => `ER${r.pick([3, 6, 10, 20, 50])}-${r.pick(['C10', 'C20', 'B30'])}` },
  { name: '液压缸', unit: '件', low: 600, high: 9000, model: (r) => `HSG${r.pick([40, 50, 63, 80, 100])}/${r.pick([25, 35, 45])}-${r.pick([200, 300, 500])}` },
  { name: '深沟球轴承', unit: '件', low: 8, high: 600, model: sized('62', ['04', '05', '06', '08', '10', '12', '15', '20'], '-2RS') },
  { name: '圆锥滚子轴承', unit: '件', low: 20, high: 900, model: sized('302', ['05', '06', '08', '10', '12', '16']) },
  { name: '闸阀', unit: '件', low: 150, high: 8000, model: (r) => `Z41H-${r.pick([16, 25, 40])}C DN${r.pick([50, 80, 100, 150, 200])}` },
  { name: '球阀', unit: '件', low: 80, high: 5000, model: (r) => `Q41F-${r.pick([16, 25])}P DN${r.pick([25, 32, 50, 80, 100])}` },
  { name: '蝶阀', unit: '件', low: 200, high: 6000, model: (r) => `D71X-${r.pick([10, 16])}Q DN${r.pick([100, 150, 200, 300])}` },
  { name: '电磁阀', unit: '件', low: 60, high: 1500, model: (r) => `ZCT-${r.pick([15, 20, 25, 40])}${r.pick(['A', 'B'])}` },
  { name: '断路器', unit: '件', low: 40, high: 3000, model: (r) => `DZ47-${r.pick([63, 100, 125])} C${r.pick([16, 32, 63])}` },
  { name: '交流接触器', unit: '件', low: 30, high: 1200, model: (r) => `CJX2-${r.pick(['0910', '1810', '3210', '5011', '8011'])}` },
  { name: '压力传感器', unit: '件', low: 150, high: 5000, model: (r) => `PT${r.int(100, 999)}-${r.pick(['1.6', '2.5', '4.0', '10'])}MPa` },
  { name: '不锈钢法兰', unit: '件', low: 30, high: 900, model: (r) => `PN${r.pick([10, 16, 25])} DN${r.pick([25, 50, 80, 100, 150])}` },
  { name: '高强度螺栓', unit: '箱', low: 120, high: 1500, model: (r) => `M${r.pick([8, 10, 12, 16, 20, 24])}×${r.pick([30, 40, 50, 60, 80])}-10.9` },
  { name: '电焊条', unit: '箱', low: 90, high: 600, model: (r) => `J422 Φ${r.pick(['2.5', '3.2', '4.0'])}` },
  { name: '劳保手套', unit: '箱', low: 60, high: 300, model: (r) => `LB-${r.pick([100, 200, 300])}` },
  { name: '密封圈', unit: '箱', low: 40, high: 800, model: (r) => `O-${r.int(10, 200)}×${r.pick(['2.4', '3.1', '3.5', '5.7'])}` },
  { name: '砂轮片', unit: '箱', low: 50, high: 400, model: (r) => `PA${r.pick([100, 125, 150, 180])}×${r.pick([1.2, 2, 3])}` },
  { name: '工业润滑脂', unit: '箱', low: 200, high: 2400, model: (r) => `${r.pick(['锂基', '复合锂基', '聚脲'])}${r.pick([0, 1, 2, 3])}号` },
];

const QUALIFIERS = ['不锈钢', '防爆', '高压', '耐腐蚀', '立式', '卧式', '重型', '精密', '节能型', '低噪音'];
/** 等级/批次 (requirements §5): a grade, or the production batch. */
const BATCHES = ['A级', 'B级', '一等品', '优等品', '合格品', '2023批', '2024批', '2025批', '出口级'];
const BATCH_FACTOR: Record<string, number> = { B级: 0.9, 合格品: 0.85, 优等品: 1.1, 出口级: 1.2 };
const PRODUCT_MEMOS = ['新品', '进口', '需提前两周预订', '停产，清库存', '含税价', '含安装调试'];

const WAREHOUSES = ['上海总仓', '北京仓', '广州仓', '成都仓', '武汉仓', '沈阳仓', '西安仓', '苏州仓', '天津仓', '重庆仓'];
const STORAGE_MEMOS = ['待检', '退货待处理', '寄售', '样品', '包装破损', '预留给大客户'];
/** How many of a unit one location holds, at most. */
const STOCK_LIMIT: Record<Unit, number> = { 台: 60, 套: 200, 件: 3000, 箱: 800 };

/**
 * About `count` products: a kind of goods, often with a qualifier, in one model, in one to three
 * grades or batches, so that the product query's three fields (name, model, batch) all matter.
 */
export function generateProducts(seed: number | string, count: number): SalesProductRow[] {
  const random = createRandom(seed, 'products');
  const products: SalesProductRow[] = [];
  const seen = new Set<string>();
  for (let attempt = 0; products.length < count && attempt < count * 50; attempt++) {
    const kind = random.pick(KINDS);
    const name = random.chance(0.45) ? `${random.pick(QUALIFIERS)}${kind.name}` : kind.name;
    const model = kind.model(random);
    const basePrice = kind.low + (kind.high - kind.low) * random.next() ** 2;
    const batches = random.shuffle([...BATCHES]).slice(0, random.weighted([1, 2, 3], [5, 3, 2]));
    for (const batch of batches) {
      const key = `${name}\u0000${model}\u0000${batch}`;
      if (products.length >= count || seen.has(key)) continue;
      seen.add(key);
      products.push({
        id: products.length + 1,
        name,
        model,
        batch,
        unit: kind.unit,
        price: formatCents(Math.max(1, Math.round(basePrice * (BATCH_FACTOR[batch] ?? 1) * (0.97 + 0.06 * random.next()) * 100))),
        memo: random.chance(0.12) ? random.pick(PRODUCT_MEMOS) : null,
      });
    }
  }
  return products;
}

/** The warehouses' names: the company's real-looking ones first, numbered ones beyond ten. */
export function warehouseNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => WAREHOUSES[i] ?? `第${i + 1}仓库`);
}

/** Each product lies in one to three warehouses, at a location `zone-shelf-level` (A-01-03). */
export function generateStorage(seed: number | string, products: readonly SalesProductRow[], warehouses: number): SalesStorageRow[] {
  const random = createRandom(seed, 'storage');
  const names = warehouseNames(warehouses);
  const rows: SalesStorageRow[] = [];
  if (names.length === 0) return rows;
  for (const product of products) {
    const places = random.shuffle([...names]).slice(0, random.int(1, Math.min(3, names.length)));
    for (const warehouse of places) {
      const limit = STOCK_LIMIT[product.unit as Unit];
      rows.push({
        id: rows.length + 1,
        product: product.id,
        warehouse,
        location: `${random.pick(['A', 'B', 'C', 'D', 'E'])}-${pad2(random.int(1, 30))}-${pad2(random.int(1, 6))}`,
        // One in twenty is out of stock, which the inventory query shows as 0, not as missing.
        count: random.chance(0.05) ? 0 : Math.ceil(limit * random.next() ** 2),
        memo: random.chance(0.08) ? random.pick(STORAGE_MEMOS) : null,
      });
    }
  }
  return rows;
}

/** Cents as decimal(12,2) text: 1234 → '12.34'. */
export function formatCents(cents: number): string {
  return `${Math.floor(cents / 100)}.${pad2(cents % 100)}`;
}

/** '12.34' → 1234 (exact, no floating point). */
export function parseCents(money: string): number {
  const [whole, fraction = ''] = money.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * A small seeded PRNG for generated data. `Math.random` cannot be seeded, and the generated sales
 * database must come out byte for byte the same for the same options, so tests and benchmarks
 * can name the rows they expect. sfc32 (Chris Doty-Humphrey's Small Fast Counting generator):
 * 128 bits of state, passes PractRand far beyond what a data set here draws, and is only
 * 32-bit integer arithmetic, so it is fast in V8. Not for anything secret.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One of `items`, each as likely as its weight (weights need not add up to anything). */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
}

/**
 * A generator for `seed` and an optional `stream` label. Different labels give independent
 * sequences of one seed, so adding a draw to one part of a generator leaves the others' rows as
 * they were.
 */
export function createRandom(seed: number | string, stream = ''): Random {
  const [a, b, c, d] = hash128(`${typeof seed}:${seed}\u0000${stream}`);
  const next = sfc32(a, b, c, d);
  // The first outputs of a fresh sfc32 still echo the seed; the reference implementation discards them.
  for (let i = 0; i < 15; i++) next();
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)];
    },
    weighted: (items, weights) => items[weightedIndex(next(), cumulative(weights))],
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
  };
  return random;
}

/**
 * A picker for many draws from the same weights: the running sums are built once and each draw
 * is a binary search (the order generator draws a customer out of 100,000 a million times).
 */
export function weightedPicker(weights: ArrayLike<number>): (random: Random) => number {
  const sums = cumulative(weights);
  return (random) => weightedIndex(random.next(), sums);
}

function cumulative(weights: ArrayLike<number>): Float64Array {
  const sums = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    if (!(weights[i] >= 0)) throw new RangeError(`weight ${i} is ${weights[i]}: weights must be 0 or more`);
    total += weights[i];
    sums[i] = total;
  }
  if (!(total > 0)) throw new RangeError('weights add up to nothing');
  return sums;
}

function weightedIndex(unit: number, sums: Float64Array): number {
  const target = unit * sums[sums.length - 1];
  let low = 0;
  let high = sums.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sums[middle] > target) high = middle;
    else low = middle + 1;
  }
  return low;
}

function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** cyrb128: four well-mixed 32-bit words from any text, enough to seed sfc32. */
function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

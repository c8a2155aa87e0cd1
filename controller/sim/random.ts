/**
 * Counter-based seeded randomness. A value is a pure function of (stream, counter, salt): there is
 * no generator state to advance, so the n-th probe of a stream draws the same numbers whether the
 * simulator stepped through everything before it or skipped a quiet stretch. Streams are keyed by
 * names (seed, vantage, region, service, purpose), so adding a region or reordering events never
 * changes another stream's draws.
 */

/** A 32-bit integer avalanche (the "lowbias32" finalizer): every input bit flips ~half the output bits. */
function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

const TWO_32 = 2 ** 32;

/** FNV-1a over a string: turns names into stream keys. */
function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Splits an integer (possibly negative or above 2^32) into two 32-bit words and mixes both in. */
function mixInteger(state: number, value: number): number {
  const low = value >>> 0;
  const high = Math.floor(value / TWO_32) >>> 0;
  return mix32(mix32(state ^ low) + 0x9e3779b9 + high);
}

/** A named source of independent random streams for one seed. */
export interface StreamKey {
  readonly key: number;
}

export function streamKey(seed: number, ...names: readonly (string | number)[]): StreamKey {
  return { key: mixInteger(hashText(names.join('|')), seed) };
}

/** A uniform number in [0, 1) for (stream, counter, salt). */
export function uniform(stream: StreamKey, counter: number, salt = 0): number {
  const h = mixInteger(mixInteger(stream.key, counter), salt);
  return h / TWO_32;
}

/** A uniform number in [min, max). */
export function uniformBetween(stream: StreamKey, counter: number, salt: number, min: number, max: number): number {
  return min + (max - min) * uniform(stream, counter, salt);
}

/** Draws a Poisson-distributed count with the given mean by inverting its CDF (fine for means below a few hundred). */
export function poisson(mean: number, u: number): number {
  if (mean <= 0) return 0;
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  while (u > cdf && p > 0) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

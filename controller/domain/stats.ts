/**
 * Small-sample statistics for window verdicts. A window of five probes that saw one failure does not
 * know the failure rate is 20%: it knows the rate is somewhere between nearly 0 and about 50%.
 * Verdicts use the Wilson score interval of the failure share, so a handful of samples only calls
 * a service failed when even the optimistic reading of them is past the threshold.
 */

/** The Wilson score interval of `k` successes in `n` trials at `z` standard deviations: `[lower, upper]`. */
export function wilsonInterval(k: number, n: number, z: number): [number, number] {
  if (n <= 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** The lower Wilson bound: the share that `k` of `n` supports with confidence. */
export function wilsonLower(k: number, n: number, z: number): number {
  return wilsonInterval(k, n, z)[0];
}

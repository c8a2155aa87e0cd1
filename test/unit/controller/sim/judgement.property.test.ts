import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blipTolerance } from '../../../../controller/domain/cost.js';
import { simulate } from '../../../../controller/sim/simulator.js';
import { scenario } from './fixture.js';

/**
 * The judgement's promises, over random worlds: a blip shorter than the configured tolerance never
 * moves traffic, whatever the noise; a starved observer never turns a healthy region failed; the
 * same world gives the same decisions. The worlds are drawn from a fixed seed, so every run checks
 * the same ones (a test must not pass or fail by chance). To explore others, set JUDGEMENT_SEED
 * and JUDGEMENT_BLIPS (how many blip worlds), e.g.
 * `JUDGEMENT_SEED=7 JUDGEMENT_BLIPS=5000 npx vitest run test/unit/controller/sim/judgement.property.test.ts`.
 */
function fromEnv(name: string, fallback: number, min: number): number {
  const text = process.env[name];
  if (text === undefined) return fallback;
  if (!/^\d{1,9}$/.test(text) || Number(text) < min) throw new Error(`${name}=${text}: must be a whole number from ${min}; unset it for the fixed worlds`);
  return Number(text);
}
const SEED = fromEnv('JUDGEMENT_SEED', 20_261_130, 0);
// At least one world: a property checked on none could not fail.
const BLIPS = fromEnv('JUDGEMENT_BLIPS', 60, 1);

const tolerance = blipTolerance(scenario().config.detection.cost);
const noise = fc.constantFrom('default', 'noisy', 'bursty');
const delivery = fc.constantFrom({}, { late: 0.2, maxLate: '8s' });
const skew = fc.constantFrom<Record<string, number>>({}, { 'eu-west-1': 8000, 'us-east-1': -8000 });

describe('judgement (property-based)', () => {
  it(`a blip shorter than the blip tolerance (${tolerance / 1000}s with the default costs) never moves traffic, whatever the noise`, () => {
    expect(tolerance).toBe(11_000);
    fc.assert(
      fc.property(
        fc.constantFrom('503', 'restart', 'stall'),
        fc.integer({ min: 1, max: tolerance / 1000 - 1 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        noise,
        delivery,
        skew,
        (mode, seconds, seed, noiseName, deliveryOf, skewOf) => {
          const s = scenario({ seed, duration: '5m', noise: noiseName, delivery: deliveryOf, skew: skewOf, incidents: [{ kind: 'blip', region: 'us-east-1', mode, at: '1m', for: seconds * 1000 }] });
          expect(simulate(s, { mode: 'skip', timeline: false }).flips).toEqual([]);
        },
      ),
      { numRuns: BLIPS, seed: SEED },
    );
  }, 60_000 + BLIPS * 200);

  // Worlds that once moved traffic on a blip: loss bursts on two paths right before or after it (a
  // blip's cost carried into a failure of the paths, or the paths' into the blip), or the windows
  // remembering the blip for seconds after the app answered again (longer when results arrive late).
  it.each<[number, '503' | 'restart' | 'stall', number, 'bursty', { late?: number; maxLate?: string }]>([
    [999_994, '503', 9, 'bursty', {}],
    [2736, '503', 9, 'bursty', {}],
    [2736, 'restart', 9, 'bursty', {}],
    [2736, 'stall', 9, 'bursty', {}],
    [6208, '503', 10, 'bursty', { late: 0.2, maxLate: '8s' }],
    [6208, 'stall', 10, 'bursty', { late: 0.2, maxLate: '8s' }],
    [14_398, 'stall', 10, 'bursty', { late: 0.2, maxLate: '8s' }],
    [19, '503', 10, 'bursty', { late: 0.2, maxLate: '8s' }],
  ])('seed %i: a %s blip of %is under %s noise (delivery %o) moves no traffic', (seed, mode, seconds, noiseName, deliveryOf) => {
    const s = scenario({ seed, duration: '3m', noise: noiseName, delivery: deliveryOf, incidents: [{ kind: 'blip', region: 'us-east-1', mode, at: '1m', for: seconds * 1000 }] });
    expect(simulate(s, { mode: 'skip', timeline: false }).flips).toEqual([]);
  });

  it('starved observers (one replica or all: a busy laptop) never turn a healthy region failed, nor move traffic', () => {
    fc.assert(
      fc.property(
        fc.subarray(['us-east-1', 'us-west-2', 'eu-west-1'], { minLength: 1 }),
        fc.integer({ min: 150, max: 4000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        // Noise that alone never fails a region (bursts of loss on several paths at once can).
        fc.constantFrom('default', 'noisy'),
        (vantages, lag, seed, noiseName) => {
          const s = scenario({ seed, duration: '4m', noise: noiseName, incidents: vantages.map((vantage) => ({ kind: 'starve' as const, vantage, lag, at: '30s', for: '3m' })) });
          const result = simulate(s, { mode: 'dense' });
          expect(result.flips).toEqual([]);
          expect(result.timeline.filter((e) => e.kind === 'verdict' && / -> failed/.test(e.text))).toEqual([]);
        },
      ),
      { numRuns: 25, seed: SEED },
    );
  });

  it('every replica starved at once: the regions go unknown, never failed (the observers know it is them)', () => {
    const incidents = ['us-east-1', 'us-west-2', 'eu-west-1'].map((vantage) => ({ kind: 'starve' as const, vantage, lag: 2000, at: '30s', for: '3m' }));
    const result = simulate(scenario({ duration: '4m', noise: 'default', incidents }), { mode: 'dense' });
    expect(result.flips).toEqual([]);
    expect(result.timeline.filter((e) => e.kind === 'verdict' && / -> failed/.test(e.text))).toEqual([]);
    expect(result.timeline.some((e) => e.kind === 'verdict' && / -> unknown/.test(e.text))).toBe(true);
  });

  it('the same world gives the same decisions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), noise, fc.integer({ min: 5, max: 40 }), (seed, noiseName, seconds) => {
        const s = scenario({ seed, duration: '4m', noise: noiseName, incidents: [{ kind: 'outage', scope: 'app', region: 'us-east-1', at: '1m', for: seconds * 1000 }] });
        expect(simulate(s)).toEqual(simulate(s));
      }),
      { numRuns: 10, seed: SEED },
    );
  });
});

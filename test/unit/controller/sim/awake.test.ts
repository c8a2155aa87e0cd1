import { describe, expect, it } from 'vitest';
import { mergeSpans } from '../../../../controller/sim/awake.js';

describe('mergeSpans', () => {
  it.each([
    ['nothing', [], []],
    ['disjoint spans stay apart, sorted', [{ from: 50, to: 60 }, { from: 0, to: 10 }], [{ from: 0, to: 10 }, { from: 50, to: 60 }]],
    ['overlapping spans merge', [{ from: 0, to: 10 }, { from: 5, to: 20 }], [{ from: 0, to: 20 }]],
    ['a span inside another disappears', [{ from: 0, to: 30 }, { from: 5, to: 20 }], [{ from: 0, to: 30 }]],
    ['spans within the gap merge', [{ from: 0, to: 10 }, { from: 15, to: 20 }], [{ from: 0, to: 20 }]],
    ['spans beyond the gap stay apart', [{ from: 0, to: 10 }, { from: 16, to: 20 }], [{ from: 0, to: 10 }, { from: 16, to: 20 }]],
  ])('%s', (_what, spans, expected) => {
    expect(mergeSpans(spans, 5)).toEqual(expected);
  });

  it('does not modify its input', () => {
    const spans = [{ from: 0, to: 10 }, { from: 5, to: 20 }];
    mergeSpans(spans, 0);
    expect(spans).toEqual([{ from: 0, to: 10 }, { from: 5, to: 20 }]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { RefFilter } from './ref-filter.js';

describe('RefFilter', () => {
  it('never misses a reference added before, and rarely claims one that was not', () => {
    const filter = new RefFilter(24); // 2 MiB: about 12 bits per reference below
    const refs = Array.from({ length: 1_000_000 }, (_, i) => `CUST-${String(i).padStart(9, '0')}`);
    let falsePositives = 0;
    for (const ref of refs) if (filter.add(ref)) falsePositives++;
    expect(falsePositives / refs.length).toBeLessThan(0.01);
    expect(refs.every((ref) => filter.add(ref))).toBe(true);
    let strangers = 0;
    for (let i = 0; i < 100_000; i++) if (filter.add(`OTHER-${i}`)) strangers++;
    expect(strangers / 100_000).toBeLessThan(0.02);
  });

  it.each([
    ['the same reference twice', ['R-1', 'R-1'], [false, true]],
    ['references differing in case', ['r-1', 'R-1'], [false, false]],
    ['an empty reference and a non-Latin one', ['', 'Ωμέγα-1', 'Ωμέγα-1'], [false, false, true]],
  ])('%s', (_what, refs, expected) => {
    const filter = new RefFilter();
    expect(refs.map((r) => filter.add(r))).toEqual(expected);
  });
});

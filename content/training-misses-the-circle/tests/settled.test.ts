/** When a run's end state counts as settled: held states, flickers and late changes (measurements/failure.ts). */
import { describe, expect, it } from 'vitest';
import { HELD_SNAPSHOTS, heldGroups } from '../measurements/failure.ts';

const seq = (text: string) => text.split(' ');

describe('heldGroups', () => {
  it('drops excursions shorter than HELD_SNAPSHOTS and joins the held runs around them', () => {
    expect(HELD_SNAPSHOTS).toBe(2);
    // An exact heptagon whose loss crosses the classifier's line for single snapshots.
    expect(heldGroups(seq('mem mem oth mem mem mem oth mem'))).toEqual([{ group: 'mem', from: 0 }]);
  });

  it('keeps a change that holds', () => {
    // A late escape from the small-feature state: held before, held after.
    expect(heldGroups(seq('sma sma sma sma mem mem'))).toEqual([
      { group: 'sma', from: 0 },
      { group: 'mem', from: 4 },
    ]);
  });

  it('reads a change in the very last snapshot as a flicker (the cost of the rule)', () => {
    expect(heldGroups(seq('mem mem mem oth'))).toEqual([{ group: 'mem', from: 0 }]);
  });

  it('holds nothing when no state lasts two snapshots', () => {
    expect(heldGroups(seq('a b a b'))).toEqual([]);
  });

  it('counts every change when a state need hold only one snapshot (coarse runs)', () => {
    expect(heldGroups(seq('mem mem mem oth'), 1)).toEqual([
      { group: 'mem', from: 0 },
      { group: 'oth', from: 3 },
    ]);
  });
});

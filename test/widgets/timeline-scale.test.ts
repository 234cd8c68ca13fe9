import { describe, expect, it } from 'vitest';
import type { ReplayState } from '../../src/record/replay-state.js';
import { scrubberOf, speedLabel } from '../../src/widgets/timeline-scale.js';

const bounds = { first: { seq: 11, at: 1000 }, last: { seq: 91, at: 1900 }, lastSeq: 100 };
const at = (seq: number, t: number): ReplayState => ({ status: 'paused', phase: 'history', speed: 1, position: { seq, at: t }, shown: seq });

describe('scrubberOf', () => {
  it('spans what the log holds, by seq or by time', () => {
    expect(scrubberOf(bounds, at(40, 1300), 'seq')).toMatchObject({ min: 11, max: 100, value: 40, empty: false, step: 1 });
    expect(scrubberOf(bounds, at(40, 1300), 'time')).toMatchObject({ min: 1000, max: 1900, value: 1300, step: 5 }); // 0.5% of the track
  });

  it('starts at the oldest place before anything is shown, and clamps to the bounds', () => {
    const s = scrubberOf(bounds, undefined, 'seq');
    expect(s.value).toBe(11);
    expect([s.clamp(3), s.clamp(55.4), s.clamp(1e9)]).toEqual([11, 55, 100]);
    // A position that retention has since deleted shows at the start, not off the track.
    expect(scrubberOf(bounds, at(2, 900), 'time').value).toBe(1000);
  });

  it('says the place for a screen reader', () => {
    expect(scrubberOf(bounds, undefined, 'seq').text(40)).toBe('message 40 of 100');
    expect(scrubberOf(bounds, undefined, 'time').text(1450)).toBe('0.45 s of 0.9 s');
    expect(scrubberOf({ ...bounds, last: { seq: 91, at: 61_000 } }, undefined, 'time').text(31_000)).toBe('30 s of 60 s');
  });

  it('an empty log has nowhere to seek', () => {
    expect(scrubberOf(undefined, undefined, 'time')).toMatchObject({ empty: true, min: 0, max: 0 });
    expect(scrubberOf(undefined, undefined, 'time').text(0)).toBe('nothing recorded');
  });
});

it('speedLabel', () => {
  expect([speedLabel(1), speedLabel(100), speedLabel('instant')]).toEqual(['1×', '100×', 'instant']);
});

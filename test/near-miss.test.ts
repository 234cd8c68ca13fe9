import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MAX_SCANNED, didYouMean, nearMisses, suggest, unknownMessage } from '../src/near-miss.js';
import { junk } from './support/junk.js';

describe('nearMisses', () => {
  it('keeps the close ids only, closest first, ties in the order given, duplicates once', () => {
    expect(nearMisses('a:output', ['b:in', 'a:out->b:in', 'a:out', 'a:out'])).toEqual(['a:out']);
    expect(nearMisses('ab', ['xb', 'ay'])).toEqual(['xb', 'ay']); // a tie keeps the given order
    expect(nearMisses('chart', ['chart2', 'cart', 'heart', 'chrt'], 2)).toEqual(['chart2', 'cart']);
    expect(nearMisses('nope', ['chart', 'gauge'])).toEqual([]); // nothing close: no guess
    expect(nearMisses('x', [])).toEqual([]);
  });

  it('looks at the first MAX_SCANNED distinct candidates only, however many there are', () => {
    let read = 0;
    function* many() {
      for (let i = 0; i < 100_000; i++) {
        read++;
        yield `node-${i}:out`;
      }
    }
    const started = performance.now();
    // node-99999:out would be the exact match, far past the cap: it is never looked at.
    expect(nearMisses('node-99999:out', many())).not.toContain('node-99999:out');
    expect(read).toBe(MAX_SCANNED + 1);
    expect(performance.now() - started).toBeLessThan(1000);
    // Reads are capped too: the same id again and again (a port with many connections).
    read = 0;
    function* same() {
      for (let i = 0; i < 100_000; i++) {
        read++;
        yield 'a:out';
      }
    }
    expect(nearMisses('a:ou', same())).toEqual(['a:out']);
    expect(read).toBe(4 * MAX_SCANNED + 1);
  });

  it('skips what it cannot compare: non-strings, ids over 256 characters, a huge wanted id', () => {
    const long = 'x'.repeat(10_000);
    expect(nearMisses('abc', [1, null, { toString: () => 'abc' }, Symbol('abc'), long, 'abd'])).toEqual(['abd']);
    expect(nearMisses(long, [long, 'x'])).toEqual([]);
    expect(nearMisses(42, ['42'])).toEqual([]);
  });

  test.prop([fc.string({ maxLength: 40 }), fc.uniqueArray(fc.string({ maxLength: 40 }), { maxLength: 20 })])('an exact match always comes first', (wanted, others) => {
    expect(nearMisses(wanted, [...others, wanted])[0]).toBe(wanted);
  });

  test.prop([fc.anything(), fc.array(fc.anything(), { maxLength: 10 })])('never throws, whatever it is given', (wanted, candidates) => {
    expect(() => unknownMessage('widget', wanted, candidates)).not.toThrow();
  });
});

describe('unknownMessage and suggest', () => {
  it('name the near misses, else a few known ids, else that there are none', () => {
    expect(unknownMessage('widget', 'chrt', ['chart', 'gauge'])).toBe('No widget "chrt" (did you mean "chart"?)');
    expect(unknownMessage('widget', 'nope', ['chart', 'gauge'])).toBe('No widget "nope" (none is close; known: "chart", "gauge")');
    expect(unknownMessage('widget', 'nope', ['a1', 'a2', 'a3', 'a4'])).toBe('No widget "nope" (none is close; known: "a1", "a2", "a3", ...)');
    expect(unknownMessage('widget', 'nope', [])).toBe('No widget "nope" (there are no widgets)');
    expect(unknownMessage('widget', 'y'.repeat(300), ['y'])).toMatch(/\(no suggestions for an id this long\)$/);
    expect(suggest('port', 'a:output', ['a:out'])).toEqual({ near: ['a:out'], hint: 'did you mean "a:out"?' });
    expect(didYouMean('nope', ['chart'])).toBeUndefined();
  });

  test.prop([junk, fc.array(junk, { maxLength: 5 })])('render hostile values safely (the safe formatter)', (wanted, candidates) => {
    expect(typeof unknownMessage('node', wanted, candidates)).toBe('string');
  });

  it('truncates a long id in the message', () => {
    expect(unknownMessage('node', 'z'.repeat(200), [])).toContain('…');
  });
});

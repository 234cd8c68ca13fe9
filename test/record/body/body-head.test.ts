// Column heads: the routing strings of a batch, kept per routing so that recordings which
// interleave do not encode them per batch, and still right past the cache's bound.
import { describe, expect, it } from 'vitest';
import { headFor } from '../../../src/record/body/body-head.js';

const strings = (head: Buffer) => JSON.parse(head.toString('utf8', 8, 8 + head.readUInt32LE(0))) as unknown;

describe('headFor', () => {
  it('interleaved routings each get their own head, and the same one again (not re-encoded)', () => {
    const a = headFor('a', 'w', 'out');
    const b = headFor('b', undefined, 'out');
    expect(strings(a)).toEqual(['a', 'w', 'out']);
    expect(strings(b)).toEqual(['b', null, 'out']);
    expect(headFor('a', 'w', 'out')).toBe(a);
    expect(headFor('b', undefined, 'out')).toBe(b);
    expect(a.length % 8).toBe(0);
  });

  it('past the bound (256 routings) the cache starts again and every head is still right', () => {
    for (let i = 0; i < 600; i++) expect(strings(headFor(`s${i}`, 't', String(i % 3)))).toEqual([`s${i}`, 't', String(i % 3)]);
    expect(strings(headFor('s1', 't', '1'))).toEqual(['s1', 't', '1']);
  });
});

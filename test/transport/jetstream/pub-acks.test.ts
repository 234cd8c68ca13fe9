import { describe, expect, it } from 'vitest';
import { PubAcks } from '../../../src/transport/jetstream/pub-acks.js';

describe('PubAcks (sequences a server handed out again)', () => {
  it('notices a sequence at or below the highest seen, up to that highest; duplicates (an earlier copy kept) do not count', () => {
    const acks = new PubAcks();
    for (const seq of [1, 2, 3, 600]) acks.stored(seq, false);
    acks.stored(2, true); // a retried publish the server had kept: its old sequence by right
    expect(acks.reusedUpTo).toBe(0);
    expect(acks.stored(593, false)).toBe(true); // the server came back with a last sequence of 592: reported once
    expect(acks.reusedUpTo).toBe(600);
    expect(acks.stored(594, false)).toBe(false);
    for (let seq = 595; seq <= 605; seq++) acks.stored(seq, false);
    expect(acks.reusedUpTo).toBe(600); // past the old highest, sequences are unambiguous again
  });

  it("an end opened after its predecessor: what the server held then counts as seen, and a consumer already past the stream's end is a reuse that happened before", () => {
    const fresh = new PubAcks();
    fresh.opened(600, 598); // stream last 600, consumer delivered/floor 598: nothing reused yet
    expect(fresh.reusedUpTo).toBe(0);
    expect(fresh.stored(593, false)).toBe(true); // a predecessor's frames went up to 600
    expect(fresh.reusedUpTo).toBe(600);
    const late = new PubAcks();
    late.opened(592, 598); // the server came back with 592 before this end opened
    expect(late.reusedUpTo).toBe(598);
    expect(late.stored(593, false)).toBe(false); // already known: not reported again
  });
});

import { describe, expect, it } from 'vitest';
import { PubAcks } from '../../../src/transport/jetstream/pub-acks.js';

describe('PubAcks (sequences a server handed out again)', () => {
  it('notices a sequence at or below the highest seen, up to that highest; duplicates (an earlier copy kept) do not count', () => {
    const acks = new PubAcks();
    for (const seq of [1, 2, 3, 600]) acks.stored(seq, false);
    acks.stored(2, true); // a retried publish the server had kept: its old sequence by right
    expect(acks.reusedUpTo).toBe(0);
    acks.stored(593, false); // the server came back with a last sequence of 592
    expect(acks.reusedUpTo).toBe(600);
    for (let seq = 594; seq <= 605; seq++) acks.stored(seq, false);
    expect(acks.reusedUpTo).toBe(600); // past the old highest, sequences are unambiguous again
  });
});

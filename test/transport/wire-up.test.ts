import { describe, expect, it } from 'vitest';
import { twoEngines } from './two-engines.js';

describe('two WorkflowEngines joined by transport.outlet / transport.inlet over the memory carrier', () => {
  it('delivers every message once, in order, and the producer connection settles to delivered = accepted', async () => {
    const t = twoEngines({ config: { bufferSize: 100, maxBatchSize: 10 } });
    const { p, c } = await t.start(1000);
    expect(await t.run(() => t.received.length >= 1000)).toBe(true);
    expect(t.received).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    // The producer run ends once its last frame settled (its connection waited for custody).
    expect(await t.run(() => p.status().state === 'completed', 1000)).toBe(true);
    const s = t.outlets.get('e1')!;
    expect(s).toMatchObject({ accepted: 1000, sent: 1000, settledMessages: 1000, outstandingFrames: 0, outstandingMessages: 0, deadLetteredMessages: 0, maxFrames: 10 });
    await t.stop(c);
    expect(t.carrier.held).toBe(0);
  });
});

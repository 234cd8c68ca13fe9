import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DefaultBackpressureHandler, OVERFLOW_STRATEGIES, validateStreamConfig, type Priority, type StreamMessage } from '../../../src/index.js';
import { Admit, Mailbox } from '../../../src/actors/connection/mailbox.js';
import { NUM_RUNS, msg, simEngine } from '../../support/helpers.js';

// Mailbox.refuses(m) answers "would admit(m) refuse m as full?" without side effects (a fan-out
// asks every edge first). It mirrors admit's decisions, so this property keeps the two in step.
const priorityArb = fc.constantFrom<Priority | undefined>(undefined, 'low', 'normal', 'high', 'critical');
const msgArb = fc.record({ priority: priorityArb, key: fc.constantFrom(undefined, 'a', 'b') });

describe('Mailbox.refuses', () => {
  it('agrees with admit on every state: strategies, handler, priorities, keys, a batch out', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...OVERFLOW_STRATEGIES),
        fc.integer({ min: 1, max: 12 }),
        fc.option(fc.record({ dropThreshold: fc.double({ min: 0.3, max: 1, noNaN: true }), priorityDrop: fc.boolean() }), { nil: undefined }),
        fc.array(msgArb, { maxLength: 30 }),
        fc.integer({ min: 0, max: 6 }),
        msgArb,
        (overflowStrategy, bufferSize, handler, history, reserved, probe) => {
          const config = validateStreamConfig({ bufferSize, maxBatchSize: Math.min(4, bufferSize), overflowStrategy });
          const make = () => {
            const mb = new Mailbox(config, () => {});
            if (handler) mb.setHandler(new DefaultBackpressureHandler(handler), bufferSize);
            let id = 0;
            for (const h of history) mb.admit({ id: ++id, timestamp: 0, sourceNodeId: 's', targetNodeId: 't', port: 'o', data: 0, ...h } as StreamMessage);
            // A batch out reserves room its messages had: buffered + reserved never exceeds capacity.
            mb.queue.reserve(Math.min(reserved, bufferSize - mb.size));
            return mb;
          };
          const m = { id: 999, timestamp: 0, sourceNodeId: 's', targetNodeId: 't', port: 'o', data: 0, ...probe } as StreamMessage;
          const a = make();
          const b = make();
          expect(a.refuses(m)).toBe(b.admit(m) === Admit.Full);
        },
      ),
      { numRuns: NUM_RUNS * 5 },
    );
  });
});


describe('critical is never shed while a handler is installed', () => {
  it.each(['dropHead', 'dropTail', 'dropBuffer', 'dropNew', 'conflate'] as const)('%s keeps every critical message and refuses a critical one it cannot place', (overflowStrategy) => {
    const { clock, engine } = simEngine({ bufferSize: 3, overflowStrategy });
    engine.setBackpressureHandler(new DefaultBackpressureHandler({ dropThreshold: 1 }));
    const got: StreamMessage[] = [];
    engine.node('t', { process: (b) => void got.push(...b.messages) });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.openCircuit();
    const outcomes = [1, 2, 3, 4, 5].map((i) => c.offer({ ...msg(clock), id: i, priority: 'critical', key: `k${i}` }));
    expect(outcomes).toEqual(['accepted', 'accepted', 'backpressured', 'full', 'full']);
    c.closeCircuit();
    c.flush();
    expect(got.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(c.stats().droppedTotal).toBe(0);
    engine.dispose();
  });
});

describe('dropBuffer with a handler installed', () => {
  // semantics.md: dropBuffer clears the buffer when it overflows; with a handler installed the
  // critical messages stay, in their order. The buffer is full below the handler's threshold when
  // a batch out reserves room, so that is where the strategy, not the handler, decides.
  it('clears every non-critical message, keeps the critical ones in order, counts each drop once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), fc.integer({ min: 1, max: 5 }), fc.array(priorityArb, { maxLength: 120 }), (k, r0, priorities) => {
        const reserved = Math.min(r0, k - 1);
        const config = validateStreamConfig({ bufferSize: k, maxBatchSize: Math.min(4, k), overflowStrategy: 'dropBuffer' });
        let dropped = 0;
        const mb = new Mailbox(config, (reason, n) => {
          expect(reason).toBe('overflow');
          dropped += n;
        });
        mb.setHandler(new DefaultBackpressureHandler({ dropThreshold: 1 }), k);
        mb.queue.reserve(reserved);
        const model: StreamMessage[] = [];
        let modelDropped = 0;
        priorities.forEach((priority, id) => {
          const m = { id, timestamp: 0, sourceNodeId: 's', targetNodeId: 't', port: 'o', data: 0, ...(priority ? { priority } : {}) } as StreamMessage;
          let expected: number;
          if (model.length + reserved < k) expected = model.push(m);
          else {
            const kept = model.filter((x) => x.priority === 'critical');
            modelDropped += model.length - kept.length;
            if (kept.length < model.length) expected = (model.splice(0, model.length, ...kept), model.push(m));
            else expected = priority === 'critical' ? Admit.Full : Admit.DroppedOverflow;
          }
          expect(mb.admit(m)).toBe(expected);
          expect(mb.queue.toArray()).toEqual(model);
          expect(dropped).toBe(modelDropped);
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { TaskEnd } from '../../../src/actors/connection/task-end.js';
import { realClock } from '../../../src/clock.js';

describe('TaskEnd', () => {
  it('runs every task scheduled in one task with one clock callback, in order', () => {
    const clock = new SimulatedClock();
    let timers = 0;
    const counting = { now: () => clock.now(), setTimeout: (fn: () => void, ms: number) => (timers++, clock.setTimeout(fn, ms)), clearTimeout: (id: unknown) => clock.clearTimeout(id as never) };
    const end = new TaskEnd(counting);
    const ran: number[] = [];
    for (let i = 0; i < 5; i++) end.schedule(() => ran.push(i));
    expect(ran).toEqual([]);
    clock.increment(0);
    expect(ran).toEqual([0, 1, 2, 3, 4]);
    expect(timers).toBe(1);
  });

  it('cancel() drops what is scheduled and leaves no timer', () => {
    const clock = new SimulatedClock();
    const end = new TaskEnd(clock as never);
    let ran = false;
    end.schedule(() => (ran = true));
    end.cancel();
    clock.increment(10);
    expect(ran).toBe(false);
  });

  it('a task that throws does not stop the others; the first error surfaces after them', () => {
    const clock = new SimulatedClock();
    const end = new TaskEnd(clock as never);
    const ran: string[] = [];
    end.schedule(() => {
      throw new Error('engine bug');
    });
    end.schedule(() => ran.push('second'));
    expect(() => clock.increment(0)).toThrow('engine bug');
    expect(ran).toEqual(['second']);
  });

  it('on the real clock it runs after the microtasks of the task that scheduled it', async () => {
    const end = new TaskEnd(realClock);
    const order: string[] = [];
    end.schedule(() => order.push('end of task'));
    queueMicrotask(() => order.push('microtask'));
    Promise.resolve().then(() => queueMicrotask(() => order.push('nested microtask')));
    expect(order).toEqual([]);
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual(['microtask', 'nested microtask', 'end of task']);
  });
});

import { describe, expect, it } from 'vitest';
import { TaskQueue } from '../../../src/actors/connection/task-queue.js';

describe('TaskQueue', () => {
  it('runs tasks in order, including those queued while it drains; a nested drain returns at once', () => {
    const q = new TaskQueue();
    const ran: string[] = [];
    q.defer(() => {
      ran.push('a');
      q.defer(() => ran.push('c'));
      q.drain(); // re-entrant: nothing runs out of order
    });
    q.defer(() => ran.push('b'));
    expect(q.size).toBe(2);
    q.drain();
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(q.size).toBe(0);
  });

  it('a throwing task does not stop the rest; the first error surfaces after them', () => {
    const q = new TaskQueue();
    const ran: number[] = [];
    q.defer(() => {
      throw new Error('first');
    });
    q.defer(() => {
      throw new Error('second');
    });
    q.defer(() => ran.push(3));
    expect(() => q.drain()).toThrow('first');
    expect(ran).toEqual([3]);
    q.defer(() => ran.push(4)); // usable again after a failed drain
    q.drain();
    expect(ran).toEqual([3, 4]);
  });

  it('clear() drops what is queued, also in the middle of a drain', () => {
    const q = new TaskQueue();
    const ran: number[] = [];
    q.defer(() => {
      ran.push(1);
      q.clear();
    });
    q.defer(() => ran.push(2));
    q.drain();
    expect(ran).toEqual([1]);
  });
});

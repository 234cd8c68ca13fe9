import { afterEach, describe, expect, it } from 'vitest';
import { StreamEngine, type NodeflowError } from '../../src/index.js';
import { threadNode, threadNodeType, threadPool } from '../../src/threads/index.js';
import type { ThreadWork } from '../../src/threads/work.js';
import { workerEntry } from './entry.js';

const work: ThreadWork = { kind: 'function', fn: (v) => v };
const engines: StreamEngine[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.dispose();
});
const engine = () => {
  const e = new StreamEngine();
  engines.push(e);
  return e;
};

/** The field a typed INVALID_CONFIG names, or what else `f` did. */
function refusedField(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    const e = error as NodeflowError & { field?: string };
    return e.code === 'INVALID_CONFIG' ? e.field : `${e.code}: ${e.message}`;
  }
  return 'accepted';
}

describe('thread options are checked when given, each bad one a ConfigError naming its field', () => {
  it('maxFrames 0, -1, 1.5 or NaN (which would let no frame out: a silent hang) is refused by threadNode, engine.node({ thread }) and threadNodeType', () => {
    const pool = threadPool({ entry: workerEntry() });
    for (const maxFrames of [0, -1, 1.5, Number.NaN]) {
      expect(refusedField(() => threadNode(engine(), 'n', work, { maxFrames }))).toBe('maxFrames');
      expect(refusedField(() => engine().node('n', { thread: { pool, work, maxFrames } }))).toBe('thread.maxFrames');
      expect(refusedField(() => threadNodeType({ type: 't', work, thread: { maxFrames } }))).toBe('thread.maxFrames');
    }
    expect(refusedField(() => threadNode(engine(), 'n', work, { pool, maxFrames: 2 }))).toBe('accepted');
  });

  it('maxCrashes must be an integer in [0, 256], perWorker and size in [1, 256]', () => {
    for (const maxCrashes of [Number.NaN, 'x', -1, 1.5]) expect(refusedField(() => threadPool({ entry: workerEntry(), maxCrashes: maxCrashes as number }))).toBe('maxCrashes');
    expect(refusedField(() => threadPool({ entry: workerEntry(), maxCrashes: 0 }))).toBe('accepted');
    expect(refusedField(() => threadPool({ entry: workerEntry(), perWorker: 0 }))).toBe('perWorker');
    expect(refusedField(() => threadPool({ entry: workerEntry(), size: Number.NaN }))).toBe('size');
  });

  it('a misspelt option key is refused, not ignored', () => {
    const pool = threadPool({ entry: workerEntry() });
    const typo = <T>(o: object) => o as T;
    expect(refusedField(() => threadNode(engine(), 'n', work, typo({ sise: 2 })))).toBe('sise');
    expect(refusedField(() => engine().node('n', { thread: typo({ pool, work, deliver: 'unordered' }) }))).toBe('thread.deliver');
    expect(refusedField(() => threadPool(typo({ entry: workerEntry(), sise: 2 })))).toBe('sise');
    expect(refusedField(() => threadPool(typo({ entry: workerEntry(), perworker: 2 })))).toBe('perworker');
    expect(refusedField(() => threadNodeType({ type: 't', work, thread: typo({ sise: 2 }) }))).toBe('thread.sise');
    // The definition's own keys too: a misspelt thread or outputs would be a default pool or port.
    expect(refusedField(() => threadNodeType(typo({ type: 't', work, thred: { size: 2 } })))).toBe('definition.thred');
    expect(refusedField(() => threadNodeType(typo({ type: 't', work, ouputs: {} })))).toBe('definition.ouputs');
  });

  it('a size beside a pool is refused (the pool has its own size), and a first argument that is no engine is an INVALID_ARGUMENT', () => {
    const pool = threadPool({ entry: workerEntry() });
    expect(refusedField(() => threadNode(engine(), 'n', work, { pool, size: 3 }))).toBe('size');
    expect(refusedField(() => threadNodeType({ type: 't', work, thread: { pool, size: 3 } }))).toBe('thread.size');
    for (const notAnEngine of [null, {}, 42, 'engine']) expect(refusedField(() => threadNode(notAnEngine as never, 'n', work))).toMatch(/^INVALID_ARGUMENT: threadNode\(engine/);
  });

  it('threadNodeType checks thread.size and thread.pool when it is called, not when a run starts', () => {
    expect(refusedField(() => threadNodeType({ type: 't', work, thread: { size: 0 } }))).toBe('thread.size');
    expect(refusedField(() => threadNodeType({ type: 't', work, thread: { pool: {} as never } }))).toBe('thread.pool');
    expect(refusedField(() => threadNode(engine(), 'n', work, { size: -1 }))).toBe('size');
  });

  it('threadPool: a clock without setTimeout, an entry that is no path or URL, or no options object at all', () => {
    expect(refusedField(() => threadPool({ entry: workerEntry(), clock: 5 as never }))).toBe('clock');
    expect(refusedField(() => threadPool({ entry: 42 as never }))).toBe('entry');
    expect(refusedField(() => threadPool(null as never))).not.toBe('accepted');
    expect(String(refusedField(() => threadPool(null as never)))).not.toMatch(/TypeError|Cannot read/);
  });

  it('thread work: an unknown kind, or a misspelt key, is an INVALID_ARGUMENT that says so; threadNodeType needs a type name', () => {
    const pool = threadPool({ entry: workerEntry() });
    const message = (f: () => unknown) => String(refusedField(f));
    expect(message(() => threadNode(engine(), 'n', { kind: 'x' } as never, { pool }))).toMatch(/^INVALID_ARGUMENT: .*got kind "x"/);
    expect(message(() => threadNode(engine(), 'n', {} as never, { pool }))).toMatch(/^INVALID_ARGUMENT: .*got kind undefined/);
    expect(message(() => threadNode(engine(), 'n', { kind: 'function', fn: (v: unknown[]) => v, extra: 1 } as never, { pool }))).toMatch(/^INVALID_ARGUMENT: .*unknown: extra/);
    expect(message(() => threadNode(engine(), 'n', { kind: 'module', modul: 'x', export: 'y' } as never, { pool }))).toMatch(/^INVALID_ARGUMENT: .*unknown: modul/);
    expect(refusedField(() => threadNodeType({ work } as never))).toBe('type');
    expect(refusedField(() => threadNodeType(null as never))).toBe('definition');
  });
});

// The recorded connection path of bench/record.ts and bench/record-steady.ts: the same messages,
// the same widget path, the same no-op and floor logs, so the two benches measure one thing.
import { StreamEngine, type StreamMessage } from '../src/index.js';
import { record } from '../src/record/record.js';
import type { RecordLog } from '../src/record/record-log.js';
import type { ThroughputCase } from './lib.js';

const CONFIG = { maxBatchSize: 50, bufferSize: 10_000 };
/** Messages emitted between event-loop turns, as a source fed by I/O yields. */
const CHUNK = 20_000;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

// Every case allocates the same message shape per message: allocation is part of the cost.
export const make = (i: number): StreamMessage => ({ id: i, timestamp: 0, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: i & 7 });
// The same with an object as data.
export const makeObject = (i: number): StreamMessage => ({ id: i, timestamp: 0, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: { v: i & 7 } });
// As the spec writes them: a string id, object data, and a priority on some.
export const makeSpec = (i: number): StreamMessage => ({ id: `msg-${i}`, timestamp: 0, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: { v: i & 7 }, priority: i % 10 === 0 ? 'high' : 'normal' });
const valueOf = (d: unknown): number => (typeof d === 'number' ? d : (d as { v: number }).v);

const writeOnly = { bounds: () => undefined, read: () => { throw new Error('write-only'); }, sync: async () => {}, close: async () => {} };

/** A log that takes each batch and does nothing: the tap and the append call alone. */
export function noOpLog(): RecordLog {
  return { append() {}, ...writeOnly };
}

/**
 * A log that reads what an encoder must read of every message and keeps its three numbers, and
 * frames, writes and keeps nothing: the floor of any encoder on the engine's thread.
 */
export function fieldsOnlyLog(): RecordLog {
  const ids = new Float64Array(1024);
  const times = new Float64Array(1024);
  const datas = new Float64Array(1024);
  const append = ({ messages: ms }: { messages: readonly StreamMessage[] }) => {
    const m0 = ms[0]!;
    const s = m0.sourceNodeId;
    const t = m0.targetNodeId;
    const p = m0.port;
    for (let i = 0; i < ms.length && i < 1024; i++) {
      const m = ms[i]!;
      const id = m.id;
      const ts = m.timestamp;
      const d = m.data;
      if (typeof id !== 'number' || typeof d !== 'number' || m.sourceNodeId !== s || m.targetNodeId !== t || m.port !== p || m.priority !== undefined || m.key !== undefined) return;
      ids[i] = id;
      times[i] = ts;
      datas[i] = d;
    }
  };
  return { append, ...writeOnly };
}

/**
 * The throughput bench's widget path (node port -> connection -> widget -> data$ subscriber), its
 * connection recorded into `log` when one is given: the same code with and without recording.
 * Every case yields one event-loop turn every CHUNK messages, as a source fed by I/O does: a log
 * that writes behind (the file log) posts what was appended to its writer thread then, and that
 * thread seals and writes while this one goes on. At the end the case waits until the log has
 * written everything: the figure includes the disk.
 */
export function widgetPath(name: string, log?: RecordLog, gen: (i: number) => StreamMessage = make): ThroughputCase {
  const engine = new StreamEngine(CONFIG);
  const widget = engine.createWidget('w');
  const conn = engine.getConnection(engine.createConnection('s', 'w', 'out', 'in'));
  let sink = 0;
  widget.data$.subscribe(({ batch }) => {
    const ms = batch.messages;
    for (let i = 0; i < ms.length; i++) sink = (sink + valueOf(ms[i]!.data)) | 0;
  });
  if (log) record(engine, conn.id, log);
  const out = engine.node('s').output('out');
  const flushed = (log as { flushed?: () => Promise<unknown> } | undefined)?.flushed?.bind(log);
  return {
    name,
    run: async (n) => {
      for (let i = 0; i < n; ) {
        for (const end = Math.min(n, i + CHUNK); i < end; i++) out.emit(gen(i));
        await turn();
      }
      conn.flush();
      await flushed?.();
    },
    dispose: () => engine.dispose(),
  };
}

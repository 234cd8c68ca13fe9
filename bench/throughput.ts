import { Subject } from 'rxjs';
import { DefaultBackpressureHandler, GracefulErrorRecovery, StreamDebugger, StreamEngine, type StreamConfig, type StreamMessage } from '../src/index.js';
import type { ThroughputCase } from './lib.js';

// Every case allocates the same message shape per message: allocation is part of the cost.
const make = (i: number): StreamMessage => ({ id: i, timestamp: 0, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: i & 7 });
let sink = 0; // sinks keep small integers (no heap numbers): (sum + v) | 0

/** nodeflow: node output port → connection (ring mailbox) → widget actor → data$ subscriber. */
export function nodeflowPath(name: string, config: Partial<StreamConfig>, flowControl = false, metrics = false, watch: 'debugger' | 'inspect' | 'none' = 'none'): ThroughputCase {
  const engine = new StreamEngine(config, { metrics });
  // A recording debugger (XState inspection of every actor + metering), or a bare inspection
  // observer such as Stately's inspector would attach.
  const dbg = watch === 'debugger' ? new StreamDebugger(engine) : undefined;
  dbg?.startRecording();
  let inspected = 0;
  if (watch === 'inspect') engine.inspect(() => void inspected++);
  if (flowControl) {
    engine.setBackpressureHandler(new DefaultBackpressureHandler());
    engine.setErrorRecovery(new GracefulErrorRecovery());
  }
  const widget = engine.createWidget('w');
  const id = engine.createConnection('s', 'w', 'out', 'in');
  const conn = engine.getConnection(id);
  widget.data$.subscribe(({ batch }) => {
    const ms = batch.messages;
    for (let i = 0; i < ms.length; i++) sink = (sink + (ms[i]!.data as number)) | 0;
  });
  const out = engine.node('s').output('out');
  return {
    name,
    run(n) {
      for (let i = 0; i < n; i++) out.emit(make(i));
      conn.flush(); // the partial tail batch: rounds stay independent
    },
    dispose() {
      dbg?.dispose();
      engine.dispose();
    },
  };
}

/** The producer loop both writer cases share: honour `ready`, never await each write. */
async function writeLoop(writer: WritableStreamDefaultWriter<StreamMessage>, n: number): Promise<void> {
  let last: Promise<void> | undefined;
  for (let i = 0; i < n; i++) {
    if (writer.desiredSize !== null && writer.desiredSize <= 0) await writer.ready;
    last = writer.write(make(i));
  }
  await last;
}

/** nodeflow's Web Streams writer: the same loop as the native case, honouring ready. */
export function nodeflowWriter(name: string): ThroughputCase {
  const engine = new StreamEngine();
  engine.createWidget('w');
  const id = engine.createConnection('s', 'w', 'out', 'in');
  const writer = engine.getConnection(id).writer;
  return { name, run: (n) => writeLoop(writer, n) };
}

/** Native Web Streams: writer.write loop → WritableStream sink. */
export function webStreamsWriter(name: string): ThroughputCase {
  const ws = new WritableStream<StreamMessage>({
    write(m) {
      sink = (sink + (m.data as number)) | 0;
    },
  });
  const writer = ws.getWriter();
  return { name, run: (n) => writeLoop(writer, n) };
}

/** Bare RxJS: three chained Subjects, per message. */
export function rxjsChain(name: string): ThroughputCase {
  const a = new Subject<StreamMessage>();
  const b = new Subject<StreamMessage>();
  const c = new Subject<StreamMessage>();
  a.subscribe((m) => b.next(m));
  b.subscribe((m) => c.next(m));
  c.subscribe((m) => {
    sink = (sink + (m.data as number)) | 0;
  });
  return {
    name,
    run(n) {
      for (let i = 0; i < n; i++) a.next(make(i));
    },
  };
}

// The hand-written floor: plain objects, a power-of-two ring with copy-out, batch hand-off.
class RingConn {
  private readonly buf: (StreamMessage | undefined)[];
  private head = 0;
  private size = 0;
  private readonly mask: number;
  constructor(
    capacity: number,
    private readonly batch: number,
    private readonly widget: RingWidget,
  ) {
    const cap = 1 << Math.ceil(Math.log2(capacity));
    this.buf = new Array(cap);
    this.mask = cap - 1;
  }
  offer(m: StreamMessage): void {
    if (this.size === this.buf.length) return;
    this.buf[(this.head + this.size++) & this.mask] = m;
    if (this.size >= this.batch) this.flush();
  }
  flush(): void {
    const n = this.size;
    const out = new Array<StreamMessage>(n);
    for (let i = 0; i < n; i++) {
      const j = (this.head + i) & this.mask;
      out[i] = this.buf[j]!;
      this.buf[j] = undefined;
    }
    this.head = (this.head + n) & this.mask;
    this.size = 0;
    this.widget.push(out);
  }
}
class RingWidget {
  constructor(private readonly listener: (b: StreamMessage[]) => void) {}
  push(b: StreamMessage[]): void {
    this.listener(b);
  }
}
class RingNode {
  constructor(private readonly conn: RingConn) {}
  emit(m: StreamMessage): void {
    this.conn.offer(m);
  }
}

/** Hand-written ring buffer, 3 hops: node → connection ring → widget → listener. */
export function ringThreeHop(name: string, batch: number): ThroughputCase {
  const conn = new RingConn(1000, batch, new RingWidget((b) => {
    for (let i = 0; i < b.length; i++) sink = (sink + (b[i]!.data as number)) | 0;
  }));
  const node = new RingNode(conn);
  return {
    name,
    run(n) {
      for (let i = 0; i < n; i++) node.emit(make(i));
      conn.flush();
    },
  };
}

export const keepSink = (): number => sink;

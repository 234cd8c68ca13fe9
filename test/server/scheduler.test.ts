// The session and its scheduler with a socket that is only a counter: what is sent, what is
// held, and what a full socket costs, without a network.
import { afterEach, expect, it } from 'vitest';
import { StreamEngine } from '../../src/index.js';
import { DEFAULT_LIMITS } from '../../src/remote/protocol.js';
import { Hub } from '../../src/server/hub.js';
import { Scheduler } from '../../src/server/scheduler.js';
import { Session, type SocketLike } from '../../src/server/session.js';
import { decodeFrame } from '../../src/remote/codec.js';
import { until } from './raw-client.js';

class FakeSocket implements SocketLike {
  bufferedAmount = 0;
  readyState = 1;
  sent: (string | Uint8Array)[] = [];
  closedWith: number | undefined;
  private handlers = new Map<string, (...a: unknown[]) => void>();
  send(data: string | Uint8Array) { this.sent.push(data); }
  close(code: number) { this.closedWith = code; }
  terminate() {}
  ping() {}
  on(event: string, l: (...a: never[]) => void) { this.handlers.set(event, l as (...a: unknown[]) => void); return this; }
  receive(m: unknown) { this.handlers.get('message')!(Buffer.from(JSON.stringify(m)), false); }
  control(type: string) { return this.sent.filter((x): x is string => typeof x === 'string').map((x) => JSON.parse(x)).filter((m) => m.type === type); }
}

let engine: StreamEngine;
afterEach(() => engine?.dispose());

function setup(limits = {}) {
  engine = new StreamEngine();
  const sessions = new Set<Session>();
  const hub = new Hub(engine, () => scheduler.wake(), () => {});
  const scheduler = new Scheduler(sessions, hub, () => performance.now());
  const open = () => {
    const ws = new FakeSocket();
    const session = new Session(ws, hub, { ...DEFAULT_LIMITS, ...limits }, () => scheduler.wake(), () => performance.now(), (s) => sessions.delete(s));
    sessions.add(session);
    ws.receive({ type: 'hello', v: 1 });
    return { ws, session };
  };
  return { ...open(), open, hub, scheduler };
}

it('a full socket gets nothing queued: lifecycle events past maxPendingEvents become one topology', async () => {
  const { ws, session } = setup({ maxPendingEvents: 16 });
  ws.bufferedAmount = 10 * DEFAULT_LIMITS.highWaterMark;
  for (let i = 0; i < 200; i++) engine.createWidget(`w${i}`);
  await new Promise((r) => setImmediate(r));
  expect(session.events.length).toBeLessThanOrEqual(16);
  expect(session.resendTopology).toBe(true);
  expect(ws.control('lc')).toHaveLength(0);
  ws.bufferedAmount = 0;
  await until(() => ws.control('topo').length === 1, 'the topology');
  expect(ws.control('topo')[0].topo.nodes).toHaveLength(200);
  expect(ws.control('lc')).toHaveLength(0);
});

it('one tick packs every due subscription of a socket into one binary frame', async () => {
  const { ws } = setup();
  for (const id of ['a', 'b', 'c']) {
    engine.createWidget(id, { bufferSize: 10 });
    engine.createConnection('src', id, 'out', 'in');
  }
  ['a', 'b', 'c'].forEach((w, i) => ws.receive({ type: 'sub', s: i + 1, w, buf: 10, iv: 0, cr: 4 }));
  await new Promise((r) => setImmediate(r));
  ws.sent = [];
  // Three connections leave src.out: offer to each, all in one task.
  for (const id of ['a', 'b', 'c']) {
    const c = engine.getConnection(`src:out->${id}:in`);
    c.offer({ id: 1, timestamp: 0, sourceNodeId: 'src', targetNodeId: id, port: 'out', data: 1 });
    c.flush();
  }
  await until(() => ws.sent.some((x) => typeof x !== 'string'), 'a data frame');
  const frames = ws.sent.filter((x): x is Uint8Array => typeof x !== 'string');
  expect(frames).toHaveLength(1);
  expect(decodeFrame(frames[0]!).map((b) => b.s)).toEqual([1, 2, 3]);
});

it('clients in step get the same messages; one whose credit ran out gets the newest window later, with its drops', async () => {
  const { ws: a, open } = setup();
  const { ws: b } = open();
  engine.createWidget('chart', { bufferSize: 20 });
  engine.createConnection('src', 'chart', 'out', 'in');
  a.receive({ type: 'sub', s: 1, w: 'chart', buf: 20, iv: 0, cr: 16 });
  b.receive({ type: 'sub', s: 9, w: 'chart', buf: 5, iv: 0, cr: 1 });
  const c = engine.getConnection('src:out');
  let seq = 0;
  const feed = (n: number) => {
    for (let i = 0; i < n; i++) c.offer({ id: ++seq, timestamp: 0, sourceNodeId: 'src', targetNodeId: 'chart', port: 'out', data: seq });
    c.flush();
  };
  const data = (ws: FakeSocket) => ws.sent.filter((x): x is Uint8Array => typeof x !== 'string').flatMap((f) => decodeFrame(f));
  feed(8);
  await until(() => data(a).length === 1 && data(b).length === 1, 'a batch each');
  expect(data(a)[0]!.messages.map((m) => m.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect(data(b)[0]!.messages.map((m) => m.id)).toEqual([4, 5, 6, 7, 8]); // its window is 5
  feed(30); // b has no credit left
  await until(() => data(a).length === 2, "a's second batch");
  b.receive({ type: 'credit', g: [[9, 1]] });
  await until(() => data(b).length === 2, "b's second batch");
  expect(data(b)[1]).toMatchObject({ from: 34, total: 38, dropped: 25 });
  expect(data(a)[1]).toMatchObject({ from: 19, total: 38, dropped: 10 }); // the widget window is 20
});

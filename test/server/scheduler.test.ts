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
  const ws = new FakeSocket();
  const session = new Session(ws, hub, { ...DEFAULT_LIMITS, ...limits }, () => scheduler.wake(), () => performance.now(), (s) => sessions.delete(s));
  sessions.add(session);
  ws.receive({ type: 'hello', v: 1 });
  return { ws, session, hub, scheduler };
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

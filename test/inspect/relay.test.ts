// The offline path of issue 7: engine → createWebSocketInspector → local relay
// (createInspectorServer) → createWebSocketReceiver → our own viewer model. Loopback only.
import { createServer } from 'node:net';
import { createWebSocketInspector, createWebSocketReceiver, type StatelyInspectionEvent } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { machineToGraph, trackRemoteActors } from '../../src/inspect/index.js';
import { connectionMachine, StreamEngine } from '../../src/index.js';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).reverse().forEach((f) => f()));

describe('offline inspector relay', () => {
  it('delivers @xstate.snapshot events of engine actors to a receiver, and the tracker follows them', async () => {
    const port = await freePort();
    const server = createInspectorServer({ port, autoOpen: false });
    cleanup.push(() => server.stop());
    const url = `ws://127.0.0.1:${port}`;
    const inspector = createWebSocketInspector({ url });
    cleanup.push(() => inspector.stop());
    const received: StatelyInspectionEvent[] = [];
    const tracker = trackRemoteActors({ machines: { connection: connectionMachine } });
    const unknownTracker = trackRemoteActors(); // rebuilds machines from the definitions sent
    createWebSocketReceiver({ server: url }).subscribe((e) => {
      received.push(e);
      tracker.next(e);
      unknownTracker.next(e);
    });

    const engine = new StreamEngine({}, { inspect: inspector.inspect });
    cleanup.push(() => engine.dispose());
    const c = engine.getConnection(engine.createConnection('src', 'dst', 'out', 'in'));
    c.openCircuit();

    const connectionOf = (t: typeof tracker) => t.actors().find((a) => a.name === 'connection');
    await vi.waitFor(() => expect(connectionOf(tracker)?.value).toBe('circuitOpen'), { timeout: 5000, interval: 20 });
    expect(received.some((e) => e.type === '@xstate.snapshot' && (e.snapshot as { value?: unknown }).value === 'circuitOpen')).toBe(true);
    expect(new Set(received.filter((e) => e.type === '@xstate.actor').map((e) => (e as { name: string }).name))).toEqual(new Set(['engine', 'system', 'node', 'connection']));
    const conn = connectionOf(tracker)!;
    expect(conn.machine).toBe(connectionMachine);
    expect(conn.taken).toEqual(['connection|breaker.open|0']);
    expect(conn.history.map((h) => [h.event, h.from, h.to])).toEqual([['breaker.open', 'flowing', 'circuitOpen']]);

    c.closeCircuit();
    await vi.waitFor(() => expect(connectionOf(tracker)?.value).toBe('flowing'), { timeout: 5000, interval: 20 });
    expect(connectionOf(tracker)!.taken).toEqual(['connection|breaker.close|0', 'connection.settled||1']);

    // Without our machine, the definition on the wire still gives every state and transition.
    const rebuilt = connectionOf(unknownTracker)!.machine!;
    const ids = (m: typeof rebuilt) => machineToGraph(m).transitions.map((t) => t.id).sort();
    expect(ids(rebuilt)).toEqual(ids(connectionMachine));
  }, 15_000);
});

// RemoteEngine goes where a StreamEngine goes: it implements the widget layer's EngineLike (tsc
// checks the class), and the details the hooks rely on at run time hold.
import { describe, expect, it } from 'vitest';
import type { EngineLike } from '../../src/widgets/engine-like.js';
import { RemoteActor, RemoteEngine, connectEngine } from '../../src/remote/index.js';
import { RemoteWidget } from '../../src/remote/remote-widget.js';

const Dead = class { readyState = 3; binaryType = ''; send() {} close() {} } as unknown as typeof WebSocket;

describe('RemoteEngine as an EngineLike', () => {
  it('fits the engine shape the widgets read', () => {
    const check = (r: RemoteEngine): EngineLike => r; // the type check is the test
    const r = connectEngine('ws://127.0.0.1:1/nodeflow', { WebSocket: Dead });
    expect(check(r).getMetrics().state).toBe('unknown');
    expect(r.topology().nodeCount).toBe(0);
    r.close();
  });

  it("an actor takes useSelector's observer object, and its unsubscribe works detached", () => {
    const a = new RemoteActor('flowing');
    const seen: unknown[] = [];
    const { unsubscribe } = a.subscribe({ next: (s) => seen.push(s.value) });
    a.set('backpressured', 'mailbox.pressure');
    expect(a.getSnapshot()).toEqual({ value: 'backpressured', event: { type: 'mailbox.pressure' } });
    unsubscribe();
    a.set('flowing');
    expect(seen).toEqual(['backpressured']);
  });

  it("a hook's whole-window bufferSize (Infinity) goes on the wire as the largest integer, not null", () => {
    const w = new RemoteWidget('chart', 1, { want() {}, leave() {}, credit() {} }, () => 0);
    w.observe({ bufferSize: Number.POSITIVE_INFINITY, updateInterval: 16, paused: false });
    expect(JSON.parse(JSON.stringify(w.params()))).toEqual({ buf: 0xffffffff, iv: 16 });
  });

  it('status$ repeats its status when the link drops and when it comes back, so hooks re-read linked', () => {
    const w = new RemoteWidget('chart', 1, { want() {}, leave() {}, credit() {} }, () => 0);
    const seen: string[] = [];
    w.status$.subscribe((s) => seen.push(`${s}:${w.linked}`));
    w.subbed({ e: 'a.1', win: 10, rec: false, gap: 0 });
    w.unlinked();
    w.subbed({ e: 'a.1', win: 10, rec: true, gap: 0 });
    expect(seen).toEqual(['waiting:false', 'waiting:false', 'waiting:true']);
  });
});

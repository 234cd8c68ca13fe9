// RemoteEngine must fit the widget layer's engine interface structurally, so it can go into
// <StreamEngineProvider>. The interface is copied here from the design of that layer (the
// widgets entry declares it); tsc checks the assignments below.
import type { Observable } from 'rxjs';
import type { InspectionEvent } from 'xstate';
import { expect, it } from 'vitest';
import type { EngineClock, EngineEvent, EngineMetrics, EngineTopology, WidgetFrame, WidgetMetrics, WidgetStatus, WidgetWindow } from '../../src/index.js';
import type { ConnectionState } from '../../src/machines/connection.machine.js';
import type { WidgetPacer } from '../../src/actors/targets/widget-pacing.js';
import { RemoteEngine, connectEngine } from '../../src/remote/index.js';

interface ActorLike {
  getSnapshot(): { readonly value: unknown };
  subscribe(next: (s: { readonly value: unknown }) => void): { unsubscribe(): void };
  readonly system?: { inspect?(o: (e: InspectionEvent) => void): { unsubscribe(): void } };
}
interface ConnectionLike { readonly id: string; readonly targetNodeId: string; readonly isOpen: boolean; readonly currentState: ConnectionState; readonly actor: ActorLike; flush(): void }
interface WidgetLike {
  readonly id: string; readonly window: WidgetWindow; readonly data$: Observable<WidgetFrame>; readonly status$: Observable<WidgetStatus>;
  readonly state: string; readonly ended: boolean; readonly actor: ActorLike; metrics(): WidgetMetrics; pace(): WidgetPacer;
  readonly linked?: boolean;
  observe?(o: { bufferSize: number; updateInterval: number; paused: boolean }): () => void;
}
interface EngineLike {
  readonly clock: EngineClock; readonly lifecycle$: Observable<EngineEvent>; readonly topology$: Observable<EngineTopology>;
  topology(): EngineTopology; findConnection(id: string): ConnectionLike | undefined; getConnection(id: string): ConnectionLike;
  findWidget(id: string): WidgetLike | undefined; findNode(id: string): { readonly actor: ActorLike } | undefined;
  getMetrics(): EngineMetrics; metrics$(intervalMs?: number): Observable<EngineMetrics>;
}

it('RemoteEngine fits the engine shape the widgets read', () => {
  const check = (r: RemoteEngine): EngineLike => r; // the type check is the test
  const Dead = class { readyState = 3; binaryType = ''; send() {} close() {} } as unknown as typeof WebSocket;
  const r = connectEngine('ws://127.0.0.1:1/nodeflow', { WebSocket: Dead });
  expect(check(r).getMetrics().state).toBe('unknown');
  expect(r.topology().nodeCount).toBe(0);
  r.close();
});

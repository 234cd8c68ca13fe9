import { BehaviorSubject, Subject, interval, map } from 'rxjs';
import { realClock, type ConnectionInfo, type ConnectionState, type EngineEvent, type EngineMetrics, type EngineTopology, type StreamMessage } from '../../src/index.js';
import type { ActorLike, ActorSnapshotLike, ConnectionLike, EngineLike, WidgetFrame, WidgetLike, WidgetObservation, WidgetStatus } from '../../src/widgets/index.js';

// A hand-written EngineLike (plain objects and RxJS subjects, no StreamEngine): one source
// node 's' feeding widget 'chart' through 's:out->chart:in'. Tests drive it and read what the
// widget layer asked of it.

export const CONNECTION_ID = 's:out->chart:in';

/** An ActorLike whose snapshots the test sets, as a mirror would from the wire. */
export function fakeActor(value: string) {
  const snapshots = new BehaviorSubject<ActorSnapshotLike>({ value });
  const actor: ActorLike = { getSnapshot: () => snapshots.getValue(), subscribe: (o) => {
    const s = snapshots.subscribe(o);
    return { unsubscribe: () => s.unsubscribe() }; // callable detached, as ActorLike asks
  } };
  return { actor, set: (value: string, event?: string) => snapshots.next(event ? { value, event: { type: event } } : { value }) };
}

export function fakeEngine() {
  const lifecycle$ = new Subject<EngineEvent>();
  const window: StreamMessage[] = [];
  const data$ = new Subject<WidgetFrame>();
  const status$ = new BehaviorSubject<WidgetStatus>('waiting');
  /** Every observe() call, in order, and the observations not released yet. */
  const observed: WidgetObservation[] = [];
  const held = new Set<WidgetObservation>();
  let messageCount = 0;
  let dropped = 0;
  let linked = true;
  let seq = 0;
  const connActor = fakeActor('flowing');
  const win = { get size() { return window.length; }, capacity: 100, toArray: () => [...window], latest: () => window[window.length - 1] };
  const widget: WidgetLike = {
    id: 'chart',
    window: win,
    data$,
    status$,
    state: 'live',
    ended: false,
    actor: fakeActor('live').actor,
    get linked() {
      return linked;
    },
    metrics: () => ({ messageCount, batchCount: messageCount, averageLatency: 0, lastBatchLatency: 0, windowSize: window.length, pushbacks: 0, dropped }),
    pace: () => ({ ack() {}, setActive() {}, release() {}, holding: false }),
    observe(o) {
      const mine = { ...o };
      observed.push(mine);
      held.add(mine);
      return () => held.delete(mine);
    },
  };
  const info = (): ConnectionInfo => ({ id: CONNECTION_ID, sourceNodeId: 's', targetNodeId: 'chart', outputPort: 'out', inputPort: 'in', state: connActor.actor.getSnapshot().value as ConnectionState });
  const connection: ConnectionLike = {
    id: CONNECTION_ID,
    targetNodeId: 'chart',
    isOpen: true,
    get currentState() {
      return info().state;
    },
    actor: connActor.actor,
    flush() {},
  };
  const build = (): EngineTopology => {
    const nodes = [{ id: 's', kind: 'node' as const, inputs: [] }, { id: 'chart', kind: 'widget' as const, inputs: [CONNECTION_ID] }];
    return {
      version: 0, shape: 1, connectionCount: 1, nodeCount: 2,
      connection: (id) => (id === CONNECTION_ID ? info() : undefined),
      node: (id) => nodes.find((n) => n.id === id),
      connections: () => [info()][Symbol.iterator](),
      nodes: () => nodes[Symbol.iterator](),
      connectionGroups: () => [new Map([[CONNECTION_ID, info()]])],
    };
  };
  let delivered = 0;
  const zero = { accepted: 0, delivered: 0, dropped: 0, deadLettered: 0, inFlight: 0 };
  const metrics = (): EngineMetrics => ({
    state: 'running', at: realClock.now(), connections: {}, nodes: {},
    system: { eventLoopUtilization: null, eventLoopDelay: null, frameTime: null },
    totals: { ...zero, delivered, inPerSec: 0, outPerSec: 0 },
    retired: { ...zero, connections: 0 },
  });
  // One snapshot object per change, as useSyncExternalStore requires of topology().
  let topo = build();
  const topology$ = new BehaviorSubject(topo);
  const engine: EngineLike = {
    clock: realClock,
    lifecycle$,
    topology$,
    topology: () => topo,
    findConnection: (id) => (id === CONNECTION_ID || id === 's:out' ? connection : undefined),
    getConnection: (id) => {
      if (id !== CONNECTION_ID) throw new Error(`no connection ${id}`);
      return connection;
    },
    findWidget: (id) => (id === 'chart' ? widget : undefined),
    findNode: (id) => (id === 's' ? { actor: fakeActor('running').actor } : undefined),
    getMetrics: metrics,
    metrics$: (ms = 1000) => interval(ms).pipe(map(metrics)),
  };
  return {
    engine,
    widget,
    observed,
    held,
    /** Delivers a batch of `values`, as a mirror does when a data frame arrives. */
    push(...values: number[]) {
      const messages = values.map((data) => ({ id: ++seq, timestamp: realClock.now(), sourceNodeId: 's', targetNodeId: 'chart', port: 'in', data }));
      window.push(...messages);
      messageCount += messages.length;
      delivered += messages.length;
      status$.next('live');
      data$.next({ batch: { connectionId: CONNECTION_ID, port: 'in', messages }, window: win });
    },
    setDropped: (n: number) => (dropped = n),
    /** The link goes down or up: a status emission lets hooks render it. */
    setLinked(up: boolean) {
      linked = up;
      status$.next(status$.getValue());
    },
    setConnectionState(to: ConnectionState, event: string) {
      const from = connection.currentState;
      connActor.set(to, event);
      topology$.next((topo = build()));
      lifecycle$.next({ type: 'connection.state', connectionId: CONNECTION_ID, from, to, at: realClock.now() });
    },
  };
}

import { describe, expect, test } from 'vitest';
import { StreamEngine, type Connection, type WidgetRuntime } from '../../src/index.js';
import { resolveStream, topologyOf, type ActorLike, type ConnectionLike, type EngineLike, type WidgetLike } from '../../src/widgets/index.js';
import { readTopology, type EngineLike as InspectEngineLike } from '../../src/inspect/index.js';

// The type half: these assignments fail `tsc --noEmit -p .` (which covers test/) if the
// engine's classes stop satisfying the interfaces the widget layer takes.
const asEngine = (e: StreamEngine): EngineLike => e;
const asInspected = (e: StreamEngine): InspectEngineLike => e;
const asConnection = (c: Connection): ConnectionLike => c;
const asWidget = (w: WidgetRuntime): WidgetLike => w;
const asActor = (c: Connection, w: WidgetRuntime): ActorLike[] => [c.actor, w.actor];

describe('EngineLike', () => {
  test('a StreamEngine, its connections and widgets are used through it unchanged', () => {
    const engine = new StreamEngine();
    const widget = engine.createWidget('chart');
    const id = engine.createConnection('s', 'chart', 'out', 'in');
    const e = asEngine(engine);
    expect(asInspected(engine)).toBe(e);
    expect(e.findWidget('chart')).toBe(asWidget(widget));
    expect(e.findConnection('s:out')).toBe(asConnection(engine.getConnection(id)));
    expect(resolveStream(e, 's:out')).toEqual({ widget, feeds: [engine.getConnection(id)] });
    expect(readTopology(e).connections.map((c) => c.id)).toEqual([id]);
    const [connActor, widgetActor] = asActor(engine.getConnection(id), widget);
    expect(connActor!.getSnapshot().value).toBe('flowing');
    expect(widgetActor!.getSnapshot().value).toBe('waiting');
    // The observer form ActorLike declares is one XState actors take.
    const seen: unknown[] = [];
    const sub = connActor!.subscribe({ next: (s) => seen.push(s.value) });
    expect(typeof connActor!.system?.inspect).toBe('function');
    sub.unsubscribe();
    expect(topologyOf(e).version()).toBe(0);
    engine.dispose();
  });
});

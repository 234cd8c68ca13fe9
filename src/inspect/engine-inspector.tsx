import { memo, useCallback, useEffect, useMemo, useState, useSyncExternalStore, type ReactElement } from 'react';
import type { ConnectionInfo } from '../actors/engine/stream-engine.js';
import type { EngineLike } from '../widgets/engine-like.js';
import { connectionMachine } from '../machines/connection.machine.js';
import { nodeMachine } from '../machines/node.machine.js';
import { widgetMachine } from '../machines/widget.machine.js';
import { StateChart } from './state-chart.js';
import { layoutTopology, readTopology, type TopologyLayout } from './topology.js';
import { useLayout } from './use-layout.js';
import { heading, INK, panel, StateLegend, StatePill, stateColor } from './inspector-parts.js';

export { CONNECTION_STATE_COLORS } from './inspector-parts.js';

type Step = { readonly connectionId: string; readonly from: string; readonly to: string; readonly at: number };
type Selection = { readonly kind: 'connection' | 'node' | 'widget'; readonly id: string };

/**
 * Props of {@link EngineInspector}.
 *
 * @example
 * ```ts
 * const props: EngineInspectorProps = { engine, selected: 'producer:out->consumer:in' };
 * ```
 */
export interface EngineInspectorProps {
  /** The running engine to show: a `StreamEngine`, or any {@link EngineLike} (a remote mirror). */
  readonly engine: EngineLike;
  /** The connection id selected at first. */
  readonly selected?: string;
  /** How many state changes the timeline keeps. Default 12. */
  readonly historySize?: number;
}

/**
 * A live view of a running engine: nodes, widgets and connections as a graph, each connection
 * colored by its machine state; selecting a connection (or a node) shows its state chart
 * following the actor, and a timeline of its recent state changes. It listens to
 * `engine.events$` (state changes are edges, never per message) and relays out only when
 * connections come or go.
 *
 * @example
 * ```tsx
 * import { EngineInspector } from '@nodeflow/runtime/inspect';
 * <EngineInspector engine={engine} />;
 * ```
 */
export function EngineInspector({ engine, selected: initial, historySize = 12 }: EngineInspectorProps): ReactElement {
  // The engine's topology snapshot: each change costs the engine one small immer update, and
  // unchanged groups of connections keep their objects, so only the changed group re-renders.
  const subscribe = useCallback((changed: () => void) => {
    const sub = engine.topology$.subscribe(changed);
    return () => sub.unsubscribe();
  }, [engine]);
  const topology = useSyncExternalStore(subscribe, () => engine.topology(), () => engine.topology());
  const [steps, setSteps] = useState<readonly Step[]>([]);
  const [selected, select] = useState<Selection | null>(initial ? { kind: 'connection', id: initial } : null);
  useEffect(() => {
    // lifecycle$, not events$: an events$ subscriber makes every dropped message an event.
    const sub = engine.lifecycle$.subscribe((e) => {
      if (e.type === 'connection.state') setSteps((s) => [...s.slice(-199), { connectionId: e.connectionId, from: e.from, to: e.to, at: e.at }]);
    });
    return () => sub.unsubscribe();
  }, [engine]);
  // Keyed on shape: a state change recolors, it does not relayout (or re-sort).
  const shape = useMemo(() => readTopology(topology), [topology.shape]); // eslint-disable-line react-hooks/exhaustive-deps
  const layout = useLayout(() => layoutTopology(shape), [shape]);
  // Per group, not per connection: a change re-renders the one group (about n/256 rows) holding it.
  const groups = topology.connectionGroups();
  const paths = useMemo(() => new Map(layout?.paths.map((p) => [p.id, p])), [layout]);
  const boxes = useMemo(
    () =>
      layout?.boxes.map((b) => {
        const on = selected?.id === b.id;
        const widget = b.kind === 'widget';
        return (
          <g key={b.id} data-node-id={b.id} data-kind={b.kind} onClick={() => select({ kind: b.kind, id: b.id })} style={{ cursor: 'pointer' }}>
            <title>{`${b.kind} ${b.id}: click for its state chart`}</title>
            <rect x={b.x} y={b.y} width={b.width} height={b.height} rx={widget ? b.height / 2 : 6} fill={widget ? '#eef2ff' : '#fff'} stroke={on ? INK.accent : widget ? '#818cf8' : '#94a3b8'} strokeWidth={on ? 2.5 : 1.2} />
            <text x={b.x + b.width / 2} y={b.y + 16} textAnchor="middle" fontSize={10} fill={INK.muted}>
              {b.kind}
            </text>
            <text x={b.x + b.width / 2} y={b.y + 31} textAnchor="middle" fontSize={13} fontWeight={600} fill={INK.text}>
              {b.id}
            </text>
          </g>
        );
      }),
    [layout, selected?.id],
  );
  const actor = selected && pick(engine, selected);
  const timeline = selected?.kind === 'connection' ? steps.filter((s) => s.connectionId === selected.id).slice(-historySize) : [];
  return (
    <div className="nodeflow-engine-inspector" style={{ fontFamily: 'system-ui, sans-serif', fontSize: 13, color: INK.text, display: 'grid', gap: 12 }}>
      <section aria-label="topology" style={{ ...panel, background: INK.panel }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline', flexWrap: 'wrap', gap: 8, marginBottom: 8 }}>
          <h4 style={{ ...heading, margin: 0 }}>Topology · click a node or a connection</h4>
          <StateLegend />
        </div>
        <div style={{ overflowX: 'auto' }}>
          <svg role="img" aria-label="engine topology" width={layout?.width ?? 0} height={layout?.height ?? 0} xmlns="http://www.w3.org/2000/svg" fontFamily="system-ui, sans-serif" style={{ display: 'block', margin: '0 auto' }}>
            <defs>
              <marker id="topology-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="12" markerHeight="12" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" fill={INK.unknown} />
              </marker>
            </defs>
            {groups.map((g, i) => (g.size ? <PathGroup key={i} group={g} paths={paths} selected={pick1(g, selected)} select={select} /> : null))}
            {boxes}
          </svg>
        </div>
      </section>
      <section style={panel}>
        <h4 style={heading}>Connections</h4>
        <ul aria-label="connections" style={{ listStyle: 'none', margin: 0, padding: 0, display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(280px, 1fr))', gap: 6 }}>
          {groups.map((g, i) => (g.size ? <RowGroup key={i} group={g} selected={pick1(g, selected)} select={select} /> : null))}
        </ul>
      </section>
      {selected && actor ? (
        <section aria-label={`${selected.kind} ${selected.id}`} style={{ display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'flex-start' }}>
          <div style={{ ...panel, flex: '3 1 480px' }}>
            <h4 style={heading}>{`${selected.kind} ${selected.id} · state chart`}</h4>
            <StateChart key={`${selected.kind}:${selected.id}`} machine={actor.machine} actor={actor.ref} />
          </div>
          {selected.kind === 'connection' ? (
            <div style={{ ...panel, flex: '1 1 240px' }}>
              <h4 style={heading}>Recent transitions</h4>
              {timeline.length === 0 ? <p style={{ margin: 0, color: INK.muted }}>No state change yet.</p> : null}
              <ol aria-label="recent transitions" style={{ listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: 4 }}>
                {timeline.map((s, i) => (
                  <li key={i} data-from={s.from} data-to={s.to} style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
                    <span style={{ fontFamily: 'ui-monospace, monospace', fontSize: 11, color: INK.muted, minWidth: 52, textAlign: 'right' }}>{`+${((s.at - (timeline[0]?.at ?? s.at)) / 1000).toFixed(2)}s`}</span>
                    <StatePill state={s.from} />
                    <span aria-hidden="true" style={{ color: INK.muted }}>→</span>
                    <StatePill state={s.to} />
                  </li>
                ))}
              </ol>
            </div>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

type Group = ReadonlyMap<string, ConnectionInfo>;
type Path = TopologyLayout['paths'][number];
// The selected id if this group holds it, so a selection re-renders only its group.
const pick1 = (g: Group, s: Selection | null) => (s && g.has(s.id) ? s.id : undefined);
const pathD = (p: Path) => p.points.map((q, i) => `${i ? 'L' : 'M'}${q.x},${q.y}`).join(' ');

// Memoized on the group's Map: unchanged groups are the same object in the next snapshot.
const PathGroup = memo(function PathGroup({ group, paths, selected, select }: { group: Group; paths: ReadonlyMap<string, Path>; selected?: string; select(s: Selection): void }) {
  return [...group.values()].map((c) => {
    const p = paths.get(c.id);
    return p ? (
      <g key={c.id} data-connection-id={c.id} data-state={c.state} onClick={() => select({ kind: 'connection', id: c.id })} style={{ cursor: 'pointer' }}>
        <path d={pathD(p)} fill="none" stroke={stateColor(c.state)} strokeWidth={selected === c.id ? 6 : 3.5} strokeOpacity={selected && selected !== c.id ? 0.8 : 1} markerEnd="url(#topology-arrow)" />
        <title>{`${c.id}: ${c.state}`}</title>
      </g>
    ) : null;
  });
});

const RowGroup = memo(function RowGroup({ group, selected, select }: { group: Group; selected?: string; select(s: Selection): void }) {
  return [...group.values()].map((c) => {
    const on = selected === c.id;
    return (
      <li key={c.id}>
        <button
          type="button"
          aria-pressed={on}
          data-connection-id={c.id}
          data-state={c.state}
          onClick={() => select({ kind: 'connection', id: c.id })}
          style={{ width: '100%', display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 8, padding: '6px 10px', font: 'inherit', textAlign: 'left', cursor: 'pointer', color: INK.text, background: on ? '#eff6ff' : '#fff', border: `1px solid ${on ? INK.accent : INK.line}`, borderLeft: `6px solid ${stateColor(c.state)}`, borderRadius: 6 }}
        >
          <span style={{ fontFamily: 'ui-monospace, monospace', fontSize: 12, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
            {c.id}
            <span style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}>: </span>
          </span>
          <StatePill state={c.state} />
        </button>
      </li>
    );
  });
});

// The selected actor, if it still exists.
function pick(engine: EngineLike, s: Selection) {
  try {
    if (s.kind === 'connection') {
      const c = engine.findConnection(s.id);
      return c ? { machine: connectionMachine, ref: c.actor } : null;
    }
    if (s.kind === 'widget') {
      const w = engine.findWidget(s.id);
      return w ? { machine: widgetMachine, ref: w.actor } : null;
    }
    const node = engine.findNode(s.id); // engine.node() would take ownership of an auto node
    return node ? { machine: nodeMachine, ref: node.actor } : null;
  } catch {
    return null;
  }
}

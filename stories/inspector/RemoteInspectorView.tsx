// The offline viewer: our StateChart fed by a remote inspection stream (a
// createWebSocketReceiver behind a local createInspectorServer relay, or any Subscribable of
// the same events), through trackRemoteActors.
import { useEffect, useState } from 'react';
import type { AnyStateMachine } from 'xstate';
import { StateChart, trackRemoteActors, type RemoteInspectionEvent } from '../../src/inspect/index.js';

export interface InspectionSource {
  subscribe(next: (e: RemoteInspectionEvent) => void): { unsubscribe(): void };
}

export function RemoteInspectorView({ source, machines }: { source: InspectionSource; machines?: Record<string, AnyStateMachine> }) {
  const [, redraw] = useState(0);
  const [tracker] = useState(() => trackRemoteActors({ machines, onChange: () => redraw((n) => n + 1) }));
  const [selected, select] = useState<string | null>(null);
  useEffect(() => {
    const sub = source.subscribe((e) => tracker.next(e));
    return () => sub.unsubscribe();
  }, [source, tracker]);
  const actors = tracker.actors();
  const shown = actors.find((a) => a.sessionId === selected) ?? actors.find((a) => a.name === 'connection');
  return (
    <div style={{ fontFamily: 'system-ui, sans-serif', fontSize: 13 }}>
      <ul aria-label="remote actors" style={{ listStyle: 'none', padding: 0, display: 'flex', gap: 6, flexWrap: 'wrap' }}>
        {actors.map((a) => (
          <li key={a.sessionId}>
            <button type="button" aria-pressed={a === shown} data-session-id={a.sessionId} onClick={() => select(a.sessionId)}>
              {a.name}: <strong>{JSON.stringify(a.value)}</strong>
            </button>
          </li>
        ))}
      </ul>
      {actors.length === 0 ? <p>waiting for inspection events…</p> : null}
      {shown?.machine ? (
        <section aria-label={`remote ${shown.name}`}>
          <StateChart machine={shown.machine} value={shown.value} taken={shown.taken} />
          <ol aria-label="recent transitions" style={{ fontFamily: 'ui-monospace, monospace' }}>
            {shown.history.map((h, i) => (
              <li key={i} data-to={JSON.stringify(h.to)}>{`${h.event}: ${JSON.stringify(h.from)} → ${JSON.stringify(h.to)}`}</li>
            ))}
          </ol>
        </section>
      ) : null}
    </div>
  );
}

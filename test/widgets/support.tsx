import type { Connection, StreamEngine, StreamMessage } from '../../src/index.js';
import { useStreamData, type StreamData, type StreamDataOptions } from '../../src/widgets/index.js';

let seq = 0;
/** A message stamped now on the engine's clock. */
export function message(engine: StreamEngine, data: unknown = seq): StreamMessage {
  return { id: ++seq, timestamp: engine.clock.now(), sourceNodeId: 's', targetNodeId: 't', port: 'out', data };
}

/**
 * Offers messages for `ms` at `perTick` per 4 ms (a browser's clamped interval), on time rather
 * than per tick: a tick that comes late (a busy machine) sends what was due since the last one,
 * so the count does not depend on how often the page got to run. Resolves with the count sent.
 */
export function flood(engine: StreamEngine, c: Connection, ms: number, perTick = 200): Promise<number> {
  return new Promise((resolve) => {
    let sent = 0;
    let due = 0;
    const start = performance.now();
    const end = start + ms;
    const timer = setInterval(() => {
      const now = Math.min(performance.now(), end);
      const target = Math.floor(((now - start) / 4) * perTick) + perTick;
      // A full buffer refuses: what was refused is not counted, and due moves on regardless.
      for (; due < target; due++) if (c.offer(message(engine, sent)) !== 'full') sent++;
      if (now >= end) {
        clearInterval(timer);
        resolve(sent);
      }
    }, 1);
  });
}

/** Renders useStreamData's result as text and reports every render. */
export function Probe(props: { streamId: string; options: StreamDataOptions; onRender?: (s: StreamData) => void }) {
  const s = useStreamData(props.streamId, props.options);
  props.onRender?.(s);
  return (
    <div>
      <span data-testid="count">{s.metrics.messageCount}</span>
      <span data-testid="len">{s.data.length}</span>
      <span data-testid="connected">{s.isConnected ? 'Connected' : 'Disconnected'}</span>
      <span data-testid="last">{String(s.latest?.data ?? '')}</span>
    </div>
  );
}

import type { Connection, StreamEngine, StreamMessage } from '../../src/index.js';
import { useStreamData, type StreamData, type StreamDataOptions } from '../../src/widgets/index.js';

let seq = 0;
/** A message stamped now on the engine's clock. */
export function message(engine: StreamEngine, data: unknown = seq): StreamMessage {
  return { id: ++seq, timestamp: engine.clock.now(), sourceNodeId: 's', targetNodeId: 't', port: 'out', data };
}

/** Offers `perTick` messages every millisecond-ish timer tick for `ms`; resolves with the count sent. */
export function flood(engine: StreamEngine, c: Connection, ms: number, perTick = 200): Promise<number> {
  return new Promise((resolve) => {
    let sent = 0;
    const end = performance.now() + ms;
    const timer = setInterval(() => {
      for (let i = 0; i < perTick; i++) if (c.offer(message(engine, sent)) !== 'full') sent++;
      if (performance.now() >= end) {
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

import { useEffect, useState, type ReactNode } from 'react';
import { StreamEngine, type DataPattern, type OverflowStrategy, type StreamConfig } from '../../src/index.js';
import { StreamEngineProvider } from '../../src/widgets/index.js';
import { startProducer, type Producer } from './producer.js';

/** The controls every gallery story shares. */
export interface LiveArgs {
  rate: number;
  pattern: DataPattern;
  bufferSize: number;
  updateInterval: number;
  overflowStrategy: OverflowStrategy;
  enableBackpressure: boolean;
}

// Descriptions and categories show in the Controls panel and on every Docs page.
const source = { category: 'source' };
const pacing = { category: 'widget' };
export const liveArgTypes = {
  rate: { control: { type: 'range', min: 10, max: 1_000_000, step: 10 }, description: 'Messages per second the producers emit in total.', table: source },
  pattern: { control: 'select', options: ['sine-wave', 'random', 'step', 'sequential'], description: 'The shape of the produced values: a sine wave, seeded uniform noise, a square wave that alternates every period, or a counter.', table: source },
  bufferSize: { control: { type: 'number', min: 1, max: 100_000 }, description: 'How many messages a widget keeps in its window; also sizes the connection buffer.', table: pacing },
  updateInterval: { control: { type: 'number', min: 0, max: 1000 }, description: 'Least milliseconds between two renders of a component (16 is one frame at 60 Hz).', table: pacing },
  overflowStrategy: {
    control: 'select',
    options: ['backpressure', 'dropHead', 'dropTail', 'dropNew', 'dropBuffer', 'conflate'],
    description: 'What a full connection buffer does: backpressure makes writers wait, dropHead evicts the oldest, dropTail the youngest buffered, dropNew the incoming message, dropBuffer clears the buffer, conflate keeps the newest message per key.',
    table: { category: 'connection' },
  },
  enableBackpressure: { control: 'boolean', description: 'Let a widget hold its next batch until the view has rendered the last one, instead of rendering behind.', table: pacing },
} as const;

export const defaultLiveArgs: LiveArgs = { rate: 2000, pattern: 'sine-wave', bufferSize: 500, updateInterval: 16, overflowStrategy: 'dropHead', enableBackpressure: false };

/** What a story's `build` wires up; it returns producers to stop and anything for the view. */
export interface Live {
  engine: StreamEngine;
  producers: Producer[];
}

/**
 * Creates an engine in an effect, lets `build` wire it (and start producers), renders `view`
 * under a provider, and on unmount (or when `deps` change) stops the producers and disposes
 * the engine, so switching stories leaves nothing running.
 */
export function LiveEngine(props: { build: (engine: StreamEngine) => Producer[]; deps: readonly unknown[]; config?: Partial<StreamConfig>; view: (live: Live) => ReactNode }) {
  const [live, setLive] = useState<Live | null>(null);
  useEffect(() => {
    const engine = new StreamEngine(props.config ?? {});
    const producers = props.build(engine);
    const l = { engine, producers };
    setLive(l);
    (globalThis as { __nodeflowLive?: Live }).__nodeflowLive = l;
    return () => {
      for (const p of producers) p.stop();
      engine.dispose();
      setLive(null);
    };
  }, props.deps);
  if (!live) return null;
  return <StreamEngineProvider engine={live.engine}>{props.view(live)}</StreamEngineProvider>;
}

/** One source `src` (pattern, rate) fanned out to widgets `ids`, connections configured by the args. */
export function fanOut(engine: StreamEngine, src: string, ids: readonly string[], a: LiveArgs, seed = 1): Producer {
  for (const id of ids) {
    engine.createWidget(id, { bufferSize: a.bufferSize });
    engine.createConnection(src, id, 'out', 'in', { bufferSize: Math.max(a.bufferSize, 50), maxBatchSize: Math.min(50, a.bufferSize), overflowStrategy: a.overflowStrategy });
  }
  return startProducer(engine, src, { rate: a.rate, pattern: a.pattern, seed });
}

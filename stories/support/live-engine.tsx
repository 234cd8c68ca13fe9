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

export const liveArgTypes = {
  rate: { control: { type: 'range', min: 10, max: 1_000_000, step: 10 }, description: 'messages per second' },
  pattern: { control: 'select', options: ['sine-wave', 'random', 'step', 'sequential'] },
  bufferSize: { control: { type: 'number', min: 1, max: 100_000 }, description: 'widget window and connection buffer' },
  updateInterval: { control: { type: 'number', min: 0, max: 1000 }, description: 'least ms between renders' },
  overflowStrategy: { control: 'select', options: ['backpressure', 'dropHead', 'dropTail', 'dropNew', 'dropBuffer', 'conflate'] },
  enableBackpressure: { control: 'boolean' },
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

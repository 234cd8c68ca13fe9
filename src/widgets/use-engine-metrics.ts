import { useEffect, useState } from 'react';
import type { EngineMetrics, StreamEngine } from '../actors/stream-engine.js';
import { ConfigError } from '../errors.js';
import { useStreamEngine } from './engine-context.js';

/**
 * The engine's metrics (`engine.getMetrics()`: every connection's counters, latency
 * percentiles, rates, buffer use, drops), refreshed every `intervalMs`: one render per
 * interval, never per message. While mounted it keeps the engine's metering on (see
 * `engine.metrics$`).
 *
 * @example
 * ```tsx
 * function Throughput() {
 *   const m = useEngineMetrics(500);
 *   return <span>{m.totals.delivered} delivered</span>;
 * }
 * ```
 */
export function useEngineMetrics(intervalMs = 1000, options: { engine?: StreamEngine } = {}): EngineMetrics {
  const engine = useStreamEngine(options.engine);
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new ConfigError('intervalMs', 'a finite number > 0 (ms)', intervalMs);
  const [metrics, setMetrics] = useState(() => engine.getMetrics());
  useEffect(() => {
    setMetrics(engine.getMetrics());
    const sub = engine.metrics$(intervalMs).subscribe(setMetrics);
    return () => sub.unsubscribe();
  }, [engine, intervalMs]);
  return metrics;
}

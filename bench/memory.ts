import { DefaultBackpressureHandler, StreamEngine, type StreamMessage } from '../src/index.js';

export interface MemoryResult {
  case: string;
  messages: number;
  heapGrowthBytes: number;
  accepted: number;
  refused: number;
  dropped: number;
  buffered: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

/**
 * 1M messages offered to a connection whose consumer never finishes its first delivery
 * (bufferSize 1000): after GC the heap may grow only by the bounded buffer.
 */
export function stalledConsumerHeap(messages = 1_000_000, shed = false): MemoryResult {
  if (!gc) throw new Error('run with --expose-gc (npm run bench does)');
  const engine = new StreamEngine({ bufferSize: 1000 });
  if (shed) engine.setBackpressureHandler(new DefaultBackpressureHandler());
  engine.node('t', { process: () => new Promise<void>(() => {}) }); // stalled forever
  const conn = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
  const warm: StreamMessage = { id: -1, timestamp: 0, sourceNodeId: 's', targetNodeId: 't', port: 'out', data: 0 };
  void warm;
  const before = heap();
  for (let i = 0; i < messages; i++) {
    conn.offer({ id: i, timestamp: Date.now(), sourceNodeId: 's', targetNodeId: 't', port: 'out', data: { seq: i, v: Math.random() } });
  }
  const after = heap();
  const s = conn.stats();
  engine.dispose();
  return {
    case: shed ? 'stalled consumer, DefaultBackpressureHandler (sheds)' : 'stalled consumer, no handler (refuses when full)',
    messages,
    heapGrowthBytes: after - before,
    accepted: s.accepted,
    refused: s.refused,
    dropped: s.droppedTotal,
    buffered: s.buffered,
  };
}

import type { StreamMessage } from '../../src/message.js';
import type { RecordedBatch, RecordLog } from '../../src/record/record-log.js';

/** `n` messages numbered from `from` (data = their number, so order is easy to check). */
export function msgs(from: number, n: number, at = 0): StreamMessage[] {
  return Array.from({ length: n }, (_, i) => ({ id: from + i, timestamp: at, sourceNodeId: 'src', targetNodeId: 'sink', port: 'out', data: from + i }));
}

/** Every batch a read yields. */
export async function readAll(log: RecordLog, from: Parameters<RecordLog['read']>[0]): Promise<RecordedBatch[]> {
  const out: RecordedBatch[] = [];
  for await (const b of log.read(from)) out.push(b);
  return out;
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StreamMessage } from '../../../src/message.js';
import type { RecordedBatch, RecordLog } from '../../../src/record/record-log.js';

/** A fresh temporary folder (removed by the returned cleanup). */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-log-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Message `seq` of the recorded stream: its content is a function of seq, so a read can be
 * checked. Numeric data in the first half of every hundred (batches there are written as numeric
 * rows), an object in the second (JSON bodies), so every test covers both kinds of frame.
 */
export function message(seq: number): StreamMessage {
  const data = seq % 100 < 50 ? seq * 1.5 : { v: seq, s: `m${seq}` };
  return { id: seq, timestamp: 1_700_000_000_000 + seq, sourceNodeId: 'src', targetNodeId: 'dst', port: 'out', data };
}

/** The batch of `n` messages starting at `seq`, handed off at `at`. */
export function batch(seq: number, n: number, at = seq): RecordedBatch {
  const messages: StreamMessage[] = [];
  for (let i = 0; i < n; i++) messages.push(message(seq + i));
  return { seq, at, messages };
}

/** Appends `count` batches of `n` from `seq` on, at times from `at0` in steps of `step`. */
export function appendBatches(log: RecordLog, seq: number, count: number, n: number, at0 = 0, step = 10): number {
  for (let i = 0; i < count; i++) log.append(batch(seq + i * n, n, at0 + i * step));
  return seq + count * n;
}

/** Everything a read yields. */
export async function collect(it: AsyncIterable<RecordedBatch>): Promise<RecordedBatch[]> {
  const out: RecordedBatch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

/** Total bytes of the files in `dir`. */
export function folderBytes(dir: string): number {
  return fs.readdirSync(dir).reduce((s, n) => s + fs.statSync(path.join(dir, n)).size, 0);
}

/** The segment files of `dir`, in seq order. */
export function segmentFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.endsWith('.seg')).sort().map((n) => path.join(dir, n));
}

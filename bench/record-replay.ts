import { StreamEngine } from '../src/index.js';
import type { RecordLog } from '../src/record/record-log.js';
import { replay } from '../src/record/replay.js';

/**
 * One instant replay of `log` into a widget of a fresh engine, in msg/s; throws unless exactly
 * `messages` were shown (a rate of a partial replay would be no figure).
 */
export async function instantReplayRate(log: RecordLog, messages: number, maxBatchSize = 50): Promise<number> {
  const engine = new StreamEngine({ maxBatchSize, bufferSize: 10_000 });
  const w = engine.createWidget('view');
  let sink = 0;
  w.data$.subscribe(({ batch }) => (sink = (sink + batch.messages.length) | 0));
  const t = performance.now();
  const end = await replay(engine, log, 'view').done;
  const ms = performance.now() - t;
  engine.dispose();
  if (end.shown !== messages || sink !== messages) throw new Error(`replay showed ${end.shown}/${messages}`);
  return messages / (ms / 1000);
}

// The writer of the crash test: appends as fast as it can to the log in argv[2], with a sync every
// argv[3] batches, and prints `synced <lastSeq>` each time a sync resolves. Stdout is a pipe, which
// Node writes synchronously on Linux: a line printed is a line the parent gets, kill or not.
import { openFileLog } from '../../../src/record/file-log/file-log.js';
import { batch, batchSize } from './crash-data.js';

const [dir, every] = [process.argv[2]!, Number(process.argv[3])];
const log = await openFileLog(dir, { segmentBytes: 256 * 1024, sync: { everyBatches: every }, onError: (e) => console.error(e.message) });
let seq = 1;
let k = 0;
let outstanding = 0;
for (;;) {
  // A window of two syncs in flight: appends go on while the previous batches are written and synced.
  while (outstanding >= 2) await new Promise((r) => setImmediate(r));
  for (let i = 0; i < every; i++, k++) {
    log.append(batch(seq, batchSize(k), k));
    seq += batchSize(k);
  }
  const upTo = seq - 1;
  outstanding++;
  void log.sync().then(() => {
    outstanding--;
    process.stdout.write(`synced ${upTo}\n`);
  });
  await new Promise((r) => setImmediate(r));
}

import type { RecordLog, RecordedBatch, ReadFrom } from './record-log.js';

/**
 * `log` seen only up to time `to`: its reads end before the first batch handed off after `to`.
 * Appends and the rest go to `log`; closing the view does not close `log`. @internal
 *
 * @example
 * ```ts
 * replay(engine, untilTime(log, alertAt + 30_000), 'chart', { from: { at: alertAt - 30_000 } });
 * ```
 */
export function untilTime(log: RecordLog, to: number): RecordLog {
  return {
    append: (b) => log.append(b),
    bounds: () => log.bounds(),
    sync: () => log.sync(),
    close: async () => {},
    read(from: ReadFrom): AsyncIterableIterator<RecordedBatch> {
      const inner = log.read(from);
      const it: AsyncIterableIterator<RecordedBatch> = {
        async next() {
          const r = await inner.next();
          if (r.done || r.value.at <= to) return r;
          await inner.return?.();
          return { done: true, value: undefined };
        },
        return: async () => (await inner.return?.()) ?? { done: true, value: undefined },
        [Symbol.asyncIterator]: () => it,
      };
      return it;
    },
  };
}

import { atLeastOne, checkConfig, delay, oneOf, text } from '../../actors/workflow/config-rules.js';
import type { NodeTypeDefinition } from '../../actors/workflow/node-types.js';
import { NodeflowError, errorMessage } from '../../errors.js';
import { InvalidPayloads, type InvalidPolicy } from '../faults.js';
import { Ingress } from '../ingress.js';
import { LineDecoder } from './decode-line.js';
import { LineSplitter, type Line } from './lines.js';
import { firstLine, readFileChunks } from './tail.js';

const bool = (v: unknown) => (typeof v === 'boolean' ? null : 'must be a boolean');

/**
 * `file in`: reads an NDJSON or CSV file (CSV: a header row, then one record per line, simple
 * quoted fields), one message per line. Without `follow` it completes at end of file; with
 * `follow` it tails the file (from its `start` or `end`), following appends, rotation by rename
 * and truncation. It stops reading while the flow is backpressured (nothing is read ahead
 * beyond one 64 KiB chunk), so a file of any size costs bounded memory. A malformed or
 * over-long line is counted and reported with `path:line` as its source (and routed to `error`
 * with `onInvalid: 'error'`).
 *
 * @example
 * ```ts
 * { id: 'log', type: 'file in', config: { path: '/var/log/app.ndjson', follow: true, from: 'end' } }
 * ```
 */
export const fileInType: NodeTypeDefinition = {
  type: 'file in',
  description: 'Reads or tails an NDJSON or CSV file, one message per line; stops reading while the flow is backpressured.',
  kind: 'source',
  outputs: { out: { type: 'any' }, error: { type: 'object' } },
  validateConfig: (c) => [
    ...checkConfig(c, { path: text, format: oneOf(['ndjson', 'csv']), follow: bool, from: oneOf(['start', 'end']), pollMs: delay, maxLineBytes: atLeastOne, numbers: bool, onInvalid: oneOf(['drop', 'error']) }),
    ...(c.path === undefined ? ['path is required'] : []),
    ...(c.from !== undefined && c.follow !== true ? ['from is for follow: true'] : []),
  ],
  create(ctx) {
    const c = ctx.config;
    const path = c.path as string;
    const format = (c.format as 'ndjson' | 'csv' | undefined) ?? 'ndjson';
    const follow = c.follow === true;
    const from = (c.from as 'start' | 'end' | undefined) ?? 'start';
    const maxLine = (c.maxLineBytes as number | undefined) ?? 1 << 20;
    const invalid = new InvalidPayloads(ctx, (c.onInvalid as InvalidPolicy | undefined) ?? 'drop');
    let splitter = new LineSplitter(maxLine);
    let decoder = new LineDecoder(format, maxLine, c.numbers !== false);
    let stopped = false;
    let wake: (() => void) | undefined;
    let sleeper: unknown;
    const wakeUp = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    // pause: the read loop awaits `flowing()` between lines; resume wakes it.
    const ingress = new Ingress(ctx, {
      holdLimit: 1,
      pause: () => ctx.report({ kind: 'state', state: 'paused', detail: path }),
      resume: () => (ctx.report({ kind: 'state', state: 'connected', detail: path }), wakeUp()),
    });
    const flowing = () => (ingress.isPaused && !stopped ? new Promise<void>((r) => (wake = r)) : undefined);

    const take = async (lines: Line[]) => {
      for (const l of lines) {
        const d = decoder.decode(l);
        if (d === undefined) continue;
        if (d.ok) ingress.offer(d.data);
        else invalid.handle(d.code, d.message, `${path}:${l.line}`, l.bytes, l.oversized ? maxLine + 1 : undefined);
        if (ingress.isPaused) await flowing();
        if (stopped) return;
      }
    };

    return {
      async start() {
        ctx.report({ kind: 'state', state: 'connecting', detail: path });
        try {
          if (format === 'csv' && follow && from === 'end') {
            const header = await firstLine(path, maxLine);
            if (header) decoder.decode({ bytes: header, line: 1, oversized: false });
          }
          const reader = {
            onChunk: (chunk: Buffer) => take(splitter.push(chunk)),
            onRotate: (why: 'rotated' | 'truncated') => {
              ctx.count(why === 'rotated' ? 'rotations' : 'truncations');
              // A last line without a newline is lost with the old file only if never written whole.
              splitter = new LineSplitter(maxLine);
              if (format === 'csv') decoder = new LineDecoder(format, maxLine, c.numbers !== false);
            },
            stopped: () => stopped,
            sleep: (ms: number) => new Promise<void>((r) => (wake = r, sleeper = ctx.clock.setTimeout(wakeUp, ms))),
          };
          ctx.report({ kind: 'state', state: 'connected', detail: path });
          await readFileChunks(path, { follow, from, pollMs: (c.pollMs as number | undefined) ?? 250 }, reader);
          if (stopped) return;
          await take(splitter.end());
          while (ingress.isPaused && !stopped) await flowing(); // what is held goes out before the end
          ctx.report({ kind: 'state', state: 'closed', detail: path });
          if (!stopped) ctx.complete();
        } catch (error) {
          if (stopped) return;
          throw new NodeflowError('CONNECTION_FAILED', `file in ${ctx.nodeId}: cannot read ${path}: ${errorMessage(error)}`, { path, cause: error });
        }
      },
      stop() {
        stopped = true;
        if (sleeper !== undefined) ctx.clock.clearTimeout(sleeper);
        ingress.close();
        wakeUp();
      },
    };
  },
};

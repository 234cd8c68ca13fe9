import { atLeastOne, checkConfig, text } from '../../actors/workflow/config-rules.js';
import type { NodeTypeDefinition } from '../../actors/workflow/node-types.js';
import { NodeflowError, errorMessage } from '../../errors.js';
import { AppendFile } from './append-stream.js';
import { rotateFiles } from './rotate.js';

/**
 * `file out`: appends each message as one NDJSON line. A batch resolves once the file stream
 * wrote it (and fsync returned, with `fsync: true`), so a slow disk holds the flow back through
 * the connection. With `maxBytes`, a batch that would take the file past it first rotates it
 * (`path.1` ... `path.<keep>`). A write that fails (a full disk, EACCES, a missing folder)
 * rejects the batch with a typed `CONNECTION_FAILED` error, counted `writeErrors` and reported
 * as io.error: the connection's retry and dead-letter policy apply, and the next batch reopens
 * the file. The node never crashes on it.
 *
 * @example
 * ```ts
 * { id: 'save', type: 'file out', config: { path: './out.ndjson', maxBytes: 10_000_000, keep: 5 } }
 * ```
 */
export const fileOutType: NodeTypeDefinition = {
  type: 'file out',
  description: 'Appends messages to an NDJSON file, rotating it by size; a batch settles once written.',
  kind: 'sink',
  inputs: { in: { type: 'any' } },
  validateConfig: (c) => [
    ...checkConfig(c, { path: text, maxBytes: atLeastOne, keep: atLeastOne, fsync: (v) => (typeof v === 'boolean' ? null : 'must be a boolean') }),
    ...(c.path === undefined ? ['path is required'] : []),
  ],
  create(ctx) {
    const c = ctx.config;
    const path = c.path as string;
    const maxBytes = c.maxBytes as number | undefined;
    const keep = (c.keep as number | undefined) ?? 5;
    const sync = c.fsync === true;
    let file: AppendFile | undefined;
    // Batches from several connections write one after another, never interleaved.
    let tail: Promise<unknown> = Promise.resolve();
    let stopped = false;

    const write = async (chunk: string, lines: number) => {
      try {
        if (file?.failed) await file.close(), (file = undefined);
        file ??= await AppendFile.open(path);
        const bytes = Buffer.byteLength(chunk);
        if (maxBytes !== undefined && file.size > 0 && file.size + bytes > maxBytes) {
          await file.close();
          file = undefined;
          await rotateFiles(path, keep);
          ctx.count('rotations');
          file = await AppendFile.open(path);
        }
        await file.write(chunk, sync);
        ctx.count('written', lines);
        // Stopping drains the connections into here after stop(): write, then close again.
        if (stopped) await file.close(), (file = undefined);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
        ctx.count('writeErrors');
        ctx.report({ kind: 'error', code, message: `file out ${path}: ${errorMessage(error)}` });
        throw new NodeflowError('CONNECTION_FAILED', `file out ${ctx.nodeId}: cannot write ${path}: ${errorMessage(error)}`, { path, errno: code, cause: error });
      }
    };

    return {
      process(batch) {
        let chunk = '';
        for (const m of batch.messages) chunk += `${JSON.stringify(m.data) ?? 'null'}\n`;
        const done = tail.then(() => write(chunk, batch.messages.length));
        tail = done.catch(() => undefined);
        return done;
      },
      stop() {
        if (stopped) return;
        stopped = true;
        void tail.then(() => file?.close());
      },
    };
  },
};

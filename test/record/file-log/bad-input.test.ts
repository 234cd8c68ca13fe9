import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFileLog } from '../../../src/record/file-log/file-log.js';
import { FORMAT_VERSION, MANIFEST } from '../../../src/record/file-log/manifest.js';
import { batch, tempDirs } from './helpers.js';
import type { FileLog } from '../../../src/record/file-log/file-log.js';

async function readMessages(log: FileLog): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const b of log.read({ seq: 1 })) out.push(...b.messages);
  return out;
}

const fresh = tempDirs();

describe('file log: bad input', () => {
  it('refuses a folder that holds something else (NOT_A_LOG), and a file in place of the folder', async () => {
    const t = fresh();
    fs.writeFileSync(path.join(t.dir, 'notes.txt'), 'hello');
    await expect(openFileLog(t.dir)).rejects.toMatchObject({ code: 'NOT_A_LOG', details: { dir: t.dir } });
    await expect(openFileLog(path.join(t.dir, 'notes.txt'))).rejects.toMatchObject({ code: 'NOT_A_LOG' });
    fs.rmSync(path.join(t.dir, 'notes.txt'));
    fs.writeFileSync(path.join(t.dir, MANIFEST), '{"format":"something-else","version":1}');
    await expect(openFileLog(t.dir)).rejects.toMatchObject({ code: 'NOT_A_LOG' });
  });

  it('refuses a log written by a newer format version, naming both versions', async () => {
    const t = fresh();
    await (await openFileLog(t.dir)).close();
    fs.writeFileSync(path.join(t.dir, MANIFEST), '{"format":"nodeflow-file-log","version":7}');
    const newer = openFileLog(t.dir);
    await expect(newer).rejects.toMatchObject({ code: 'LOG_VERSION', details: { found: 7, supported: FORMAT_VERSION } });
    await expect(newer).rejects.toThrow(/newer log format \(version 7\)/);
  });

  it('refuses a version 1 log (JSON bodies) with a message that says to record it again', async () => {
    const t = fresh();
    await (await openFileLog(t.dir)).close();
    fs.writeFileSync(path.join(t.dir, MANIFEST), '{"format":"nodeflow-file-log","version":1}');
    const older = openFileLog(t.dir);
    await expect(older).rejects.toMatchObject({ code: 'LOG_VERSION', details: { found: 1, supported: FORMAT_VERSION } });
    await expect(older).rejects.toThrow(/version 1 .*record it again/);
  });

  it.each([2, 3, 4])('reads a version %i log as it is, leaves it so until something is written, then marks it 5 and appends object data and string ids', async (older) => {
    const t = fresh();
    const old = await openFileLog(t.dir);
    old.append(batch(1, 4));
    await old.close();
    // As the versions before wrote it: its frames (numeric columns) are the same bytes.
    const manifest = path.join(t.dir, MANIFEST);
    const version = () => JSON.parse(fs.readFileSync(manifest, 'utf8')).version as number;
    fs.writeFileSync(manifest, `{"format":"nodeflow-file-log","version":${older}}`);
    const reader = await openFileLog(t.dir);
    expect(await readMessages(reader)).toEqual(batch(1, 4).messages);
    await reader.close();
    expect(version()).toBe(older); // opened and read, never written: still readable by the code before
    // The mark fails (its temporary file cannot be made): that write's batch is dropped and said,
    // nothing of the new kinds reaches the older log, and the next write marks it.
    const errors: unknown[] = [];
    const log = await openFileLog(t.dir, { onError: (e) => errors.push(e) });
    fs.mkdirSync(manifest + '.tmp');
    const objects = (seq: number) => batch(seq, 2).messages.map((m) => ({ ...m, data: { v: m.data } }));
    log.append({ seq: 5, at: 1, messages: objects(5) });
    await expect(log.sync()).rejects.toMatchObject({ code: 'LOG_WRITE_FAILED' });
    expect(errors).toEqual([expect.objectContaining({ code: 'LOG_WRITE_FAILED', details: expect.objectContaining({ op: 'manifest upgrade', droppedBatches: 1 }) })]);
    expect(version()).toBe(older);
    fs.rmdirSync(manifest + '.tmp');
    log.append({ seq: 7, at: 2, messages: objects(7) });
    const named = batch(9, 2).messages.map((m) => ({ ...m, id: `msg-${m.id}`, priority: 'high' as const }));
    log.append({ seq: 9, at: 3, messages: named });
    await log.sync();
    expect(version()).toBe(FORMAT_VERSION);
    expect(await readMessages(log)).toEqual([...batch(1, 4).messages, ...objects(7), ...named]);
    await log.close();
  });

  it('refuses an append made from inside another (a getter of a message being recorded), and both batches\' frames stay whole', async () => {
    const t = fresh();
    const log = await openFileLog(t.dir);
    let inner: unknown;
    const tricky = batch(1, 3).messages.map((m, i) =>
      i === 1
        ? Object.defineProperty({ ...m }, 'data', {
            enumerable: true,
            get() {
              try {
                log.append(batch(100, 2));
              } catch (e) {
                inner = e;
              }
              return 7;
            },
          })
        : m,
    );
    // With numbers as data: the one-pass writer (narrow-columns.ts), where the nested frame
    // would land where the outer one is being written.
    log.append({ seq: 1, at: 1, messages: tricky });
    expect(inner).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/from inside an append/) });
    log.append(batch(4, 2));
    await log.sync();
    const back = await readMessages(log);
    expect(back.map((m) => (m as { id: number }).id)).toEqual([1, 2, 3, 4, 5]);
    expect((back[1] as { data: unknown }).data).toBe(7);
    await log.close();
  });

  it('refuses a seq that does not follow, an empty batch, bad options, and appends after close', async () => {
    const t = fresh();
    await expect(openFileLog(t.dir, { segmentBytes: 10 })).rejects.toMatchObject({ code: 'INVALID_CONFIG', field: 'segmentBytes' });
    await expect(openFileLog(t.dir, { sync: { everyBatches: 0 } })).rejects.toMatchObject({ code: 'INVALID_CONFIG', field: 'sync.everyBatches' });
    await expect(openFileLog(t.dir, { retention: { maxAge: 1 } as never })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    await expect(openFileLog('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const log = await openFileLog(t.dir);
    expect(() => log.read({ seq: 1 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE', details: { from: { seq: 1 }, held: undefined } }));
    log.append(batch(5, 3));
    expect(() => log.append(batch(9, 1))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { expected: 8, seq: 9 } }));
    expect(() => log.append({ seq: 8, at: 0, messages: [] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    // Refused for what it holds: its seq is skipped, and the next batch follows it.
    expect(() => log.append({ seq: 8, at: 0, messages: [{ data: 1n }] as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { seq: 8, next: 9 } }));
    // A message that is not an object is named (a number would otherwise go as an empty message).
    const [m9] = batch(9, 1).messages;
    expect(() => log.append({ seq: 9, at: 0, messages: [m9, 7] as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^a recorded batch holds messages \(objects\): message 1 is 7;/), details: { seq: 9, next: 11, index: 1 } }));
    expect(() => log.append({ seq: 11, at: 0, messages: [null, m9] as never })).toThrow(expect.objectContaining({ details: { seq: 11, next: 13, index: 0 } }));
    expect(() => log.append({ seq: 13, at: 0, messages: [m9, []] as never })).toThrow(expect.objectContaining({ message: expect.stringMatching(/message 1 is an array;/), details: { seq: 13, next: 15, index: 1 } }));
    log.append(batch(15, 1));
    const held: number[] = [];
    for await (const b of log.read({ seq: 5 })) held.push(...b.messages.map((_, i) => b.seq + i));
    expect(held).toEqual([5, 6, 7, 15]);
    await log.close();
    expect(() => log.append(batch(16, 1))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('refuses a second handle on a folder open in this process, and takes one again after close', async () => {
    const t = fresh();
    const a = await openFileLog(t.dir);
    await expect(openFileLog(t.dir + '/.')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/already open in this process/) });
    await a.close();
    await (await openFileLog(t.dir)).close();
  });
});

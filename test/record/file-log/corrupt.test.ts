import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NodeflowError } from '../../../src/errors.js';
import { openFileLog } from '../../../src/record/file-log/file-log.js';
import { sealFrames } from '../../../src/record/file-log/frame.js';
import { appendBatches, batch, collect, segmentFiles, tempDirs } from './helpers.js';

const fresh = tempDirs();

const SEG = 64 * 1024;

/** A log of 600 batches of 10 over several segments, closed; its folder. */
async function written(): Promise<string> {
  const t = fresh();
  const log = await openFileLog(t.dir, { segmentBytes: SEG });
  appendBatches(log, 1, 600, 10);
  await log.close();
  return t.dir;
}

async function reopen(dir: string) {
  const errors: NodeflowError[] = [];
  const log = await openFileLog(dir, { segmentBytes: SEG, onError: (e) => errors.push(e) });
  const got = await collect(log.read({ seq: log.bounds()!.first.seq }));
  return { log, errors, got };
}

describe('file log: torn and damaged frames', () => {
  it('cuts a torn tail (the file ends inside a frame) at open, reports it, and appends after the cut', async () => {
    const dir = await written();
    const last = segmentFiles(dir).at(-1)!;
    const size = fs.statSync(last).size;
    fs.truncateSync(last, size - 7);
    const { log, errors, got } = await reopen(dir);
    expect(errors).toEqual([expect.objectContaining({ code: 'LOG_CORRUPT', details: expect.objectContaining({ reason: 'torn', cutSegments: 0 }) })]);
    expect(got.at(-1)!.seq).toBe(5981); // batch 600 (seq 5991) was torn: gone, not replayed
    expect(got.every((b, i) => b.seq === 1 + i * 10)).toBe(true);
    expect(fs.statSync(last).size).toBe(errors[0]!.details.offset);
    log.append(batch(5991, 10));
    await log.close();
    const again = await reopen(dir);
    expect(again.errors).toEqual([]);
    expect(again.got.at(-1)!.seq).toBe(5991);
    await again.log.close();
  });

  it('cuts at a frame damaged in the middle of a segment: that frame and everything after it, later segments too', async () => {
    const dir = await written();
    const files = segmentFiles(dir);
    expect(files.length).toBeGreaterThan(2);
    const victim = files[1]!;
    const bytes = fs.readFileSync(victim);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x40; // one bit, inside some frame's JSON
    fs.writeFileSync(victim, bytes);
    const { log, errors, got } = await reopen(dir);
    expect(errors).toEqual([expect.objectContaining({ code: 'LOG_CORRUPT', details: expect.objectContaining({ reason: 'bad checksum', cutSegments: files.length - 2 }) })]);
    expect(segmentFiles(dir)).toEqual(files.slice(0, 2));
    // A gapless prefix of what was written, every frame intact.
    expect(got.every((b, i) => b.seq === 1 + i * 10 && b.messages.length === 10 && (b.messages[9] as { id: number }).id === b.seq + 9)).toBe(true);
    expect(got.length).toBeLessThan(600);
    expect(log.bounds()!.lastSeq).toBe(got.length * 10);
    await log.close();
  });

  it('treats an impossible length as damage, not as a huge frame to wait for', async () => {
    const dir = await written();
    const last = segmentFiles(dir).at(-1)!;
    fs.appendFileSync(last, Buffer.from([0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0, 1, 2, 3]));
    const { log, errors, got } = await reopen(dir);
    expect(errors[0]).toMatchObject({ code: 'LOG_CORRUPT', details: { reason: 'bad length' } });
    expect(got.length).toBe(600);
    await log.close();
  });

  it('drops an empty segment left by a crash right after it was created, silently (nothing was lost)', async () => {
    const dir = await written();
    const empty = `${dir}/${'6001'.padStart(20, '0')}.seg`;
    fs.writeFileSync(empty, '');
    const { log, errors } = await reopen(dir);
    expect(errors).toEqual([]);
    expect(fs.existsSync(empty)).toBe(false);
    log.append(batch(6001, 10));
    await log.close();
  });

  it('a frame whose checksum holds but whose body does not decode (a shape no writer makes) fails the read with LOG_CORRUPT, not a RangeError', async () => {
    const t = fresh();
    const log = await openFileLog(t.dir);
    log.append(batch(1, 4));
    await log.close();
    const [seg] = segmentFiles(t.dir);
    const bytes = fs.readFileSync(seg!);
    // The columns body's shape word (frame header 8, fixed fields 24, head length 4): an unknown bit, sealed again.
    bytes.writeUInt32LE(bytes.readUInt32LE(36) | 1024, 36);
    sealFrames(bytes, 0, bytes.length);
    fs.writeFileSync(seg!, bytes);
    const again = await openFileLog(t.dir);
    await expect(collect(again.read({ seq: 1 }))).rejects.toMatchObject({ code: 'LOG_CORRUPT', details: expect.objectContaining({ offset: 0, reason: expect.stringMatching(/does not decode \(unknown columns shape/) }) });
    await again.close();
  });
});

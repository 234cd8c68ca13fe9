import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeflowError } from '../../../src/errors.js';
import { openFileLog } from '../../../src/record/file-log/file-log.js';
import { batch, batchSize, message } from './crash-data.js';
import { segmentFiles, tempDir } from './helpers.js';

// CRASH_RUNS=100 npx vitest run test/record/file-log/crash.test.ts: the 100 in a row.
const RUNS = Number(process.env.CRASH_RUNS ?? 5);
const SYNC_EVERY = 20;
const root = path.resolve(import.meta.dirname, '../../..');
let out = '';
let child = '';

beforeAll(() => {
  // Compiled once into .run/ (git-ignored), so the child resolves the project's modules.
  mkdirSync(path.join(root, '.run'), { recursive: true });
  out = mkdtempSync(path.join(root, '.run', 'crash-'));
  child = path.join(out, 'test/record/file-log/crash-child.js');
  const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  const flags = ['--ignoreConfig', 'test/record/file-log/crash-child.ts', '--outDir', out, '--rootDir', '.', '--module', 'nodenext', '--target', 'es2022', '--lib', 'es2022', '--types', 'node', '--skipLibCheck', '--noCheck'];
  return new Promise<void>((resolve, reject) => {
    const p = spawn(process.execPath, [tsc, ...flags], { cwd: root, stdio: 'inherit' });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tsc exited ${code}`))));
  });
}, 60_000);
afterAll(() => void (out && rmSync(out, { recursive: true, force: true })));

/** Damages the end of the last segment (mode 1: tear, 2: junk) without touching synced data; what it did. */
async function damageTail(dir: string, synced: number, mode: number, random: () => number): Promise<{ what?: string; before: number }> {
  const pre = await openFileLog(dir, { onError: () => {} });
  const lastSeq = pre.bounds()!.lastSeq;
  await pre.close();
  const last = segmentFiles(dir).at(-1)!;
  if (mode === 1 && lastSeq > synced) {
    const cut = 1 + Math.floor(random() * 8);
    truncateSync(last, statSync(last).size - cut);
    return { what: `tore ${cut} bytes`, before: lastSeq };
  }
  if (mode === 2) {
    const junk = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 100) }, () => Math.floor(random() * 256)));
    appendFileSync(last, junk);
    return { what: `added ${junk.length} junk bytes`, before: lastSeq };
  }
  return { before: lastSeq };
}

/** Runs the writer, kills it with SIGKILL `killAfterMs` after its first sync; the last seq it saw synced. */
function runAndKill(dir: string, killAfterMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, dir, String(SYNC_EVERY)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    let armed = false;
    p.stdout.on('data', (d: Buffer) => {
      text += d;
      if (!armed && text.includes('\n')) {
        armed = true;
        setTimeout(() => p.kill('SIGKILL'), killAfterMs);
      }
    });
    p.on('error', reject);
    p.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited by itself (${signal}); stdout: ${text.slice(-200)}`));
      const lines = text.split('\n').filter((l) => l.startsWith('synced '));
      resolve(Number(lines.at(-1)!.slice(7)));
    });
  });
}

describe('file log: kill -9 during writes', () => {
  it(`reopens with every synced frame, in order, checksums good, nothing after a torn frame (${RUNS} runs)`, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    let rnd = seed;
    const random = () => ((rnd = (rnd * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    let torn = 0;
    let verified = 0;
    for (let run = 0; run < RUNS; run++) {
      const t = tempDir();
      const killAfterMs = Math.floor(random() * 300);
      const where = `run ${run + 1}/${RUNS}, CRASH_SEED=${seed}, killed ${killAfterMs} ms after the first sync`;
      try {
        const synced = await runAndKill(t.dir, killAfterMs);
        // A kill leaves whole write() calls (the page cache keeps them), so a torn frame is rare;
        // two of three runs then damage the tail as a power cut could, past what was synced:
        // tear 1-8 bytes off the last frame (if it is not synced) or add junk after it.
        const damage = await damageTail(t.dir, synced, Math.floor(random() * 3), random);
        const errors: NodeflowError[] = [];
        const log = await openFileLog(t.dir, { onError: (e) => errors.push(e) });
        expect(errors.every((e) => e.code === 'LOG_CORRUPT' && e.details.cutSegments === 0), where).toBe(true);
        if (damage.what) expect(errors.length, `${where}, ${damage.what}`).toBe(1);
        const b = log.bounds()!;
        expect(b.lastSeq, where).toBeGreaterThanOrEqual(synced);
        let seq = 1;
        let k = 0;
        for await (const got of log.read({ seq: 1 })) {
          const n = batchSize(k);
          if (got.seq !== seq || got.at !== k || got.messages.length !== n) expect({ seq: got.seq, at: got.at, n: got.messages.length }, where).toEqual({ seq, at: k, n });
          if (JSON.stringify(got.messages[n - 1]) !== JSON.stringify(message(seq + n - 1))) expect(got.messages[n - 1], where).toEqual(message(seq + n - 1));
          seq += n;
          k++;
        }
        expect(seq - 1, where).toBe(b.lastSeq);
        torn += errors.length;
        // A torn frame is gone, not replayed; junk after the last frame takes nothing with it.
        if (damage.what?.startsWith('tore')) expect(b.lastSeq, where).toBeLessThan(damage.before);
        else expect(b.lastSeq, where).toBe(damage.before);
        verified += seq - 1;
        // The cut log takes the next batch and opens clean.
        log.append(batch(seq, batchSize(k), k));
        await log.close();
        const again: NodeflowError[] = [];
        await (await openFileLog(t.dir, { onError: (e) => again.push(e) })).close();
        expect(again, where).toEqual([]);
      } finally {
        t.cleanup();
      }
    }
    console.log(`crash test: ${RUNS} kills, ${torn} damaged tails cut, ${verified} messages verified (CRASH_SEED=${seed})`);
  }, 30_000 + RUNS * 5_000);
});

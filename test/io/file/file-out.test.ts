import { existsSync, readFileSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent, WorkflowRun } from '../../../src/index.js';
import { tempDir } from '../../support/child-server.js';
import { edge, ioWorkflow, until } from '../web/harness.js';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function folder() {
  const t = tempDir('file-out');
  cleanup.push(t.remove);
  return t.dir;
}

/** file in (an NDJSON file of `n` records) -> file out (config). */
async function copy(n: number, outConfig: Record<string, unknown>, edgeConfig: Record<string, unknown> = {}) {
  const dir = folder();
  const src = path.join(dir, 'src.ndjson');
  writeFileSync(src, Array.from({ length: n }, (_, i) => `{"i":${i}}\n`).join(''));
  const h = ioWorkflow();
  const events: EngineEvent[] = [];
  h.wf.getStreamEngine().events$.subscribe((e) => events.push(e));
  const run: WorkflowRun = await h.wf.executeWorkflow({
    nodes: [{ id: 'src', type: 'file in', config: { path: src } }, { id: 'out', type: 'file out', config: outConfig }],
    edges: [edge('src', 'out', edgeConfig)],
  });
  cleanup.push(() => run.stop());
  return { run, dir, events };
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { i: number }).i);

describe('file out', () => {
  it('appends every message as an NDJSON line (fsync on), after what the file held', async () => {
    const dir = folder();
    const out = path.join(dir, 'out.ndjson');
    writeFileSync(out, '{"i":-1}\n');
    const { run } = await copy(1000, { path: out, fsync: true }, { maxBatchSize: 100 });
    const result = await run.done;
    expect(result.status).toBe('completed');
    expect(lines(out)).toEqual([-1, ...Array(1000).keys()]);
    expect(result.nodes.out?.io?.counters.written).toBe(1000); // lines, not batches
  });

  it('rotates by size: no file passes maxBytes, `keep` old files stay, and they hold the newest lines in order', async () => {
    const dir = folder();
    const out = path.join(dir, 'out.ndjson');
    const { run } = await copy(2000, { path: out, maxBytes: 2000, keep: 2 }, { maxBatchSize: 20 });
    const result = await run.done;
    expect(result.status).toBe('completed');
    expect(readdirSync(dir).filter((f) => f.startsWith('out')).sort()).toEqual(['out.ndjson', 'out.ndjson.1', 'out.ndjson.2']);
    for (const f of ['out.ndjson', 'out.ndjson.1', 'out.ndjson.2']) expect(statSync(path.join(dir, f)).size).toBeLessThanOrEqual(2000);
    const kept = [...lines(`${out}.2`), ...lines(`${out}.1`), ...lines(out)];
    expect(kept.at(-1)).toBe(1999);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, k) => 2000 - kept.length + k));
    expect(result.nodes.out?.io?.counters.rotations).toBeGreaterThanOrEqual(9); // ~20 kB through 2 kB files
  });

  it('a full disk (ENOSPC on /dev/full) or a missing folder rejects the batch with a typed error, counted and reported, without a crash', async () => {
    if (!existsSync('/dev/full')) return;
    const { run, events } = await copy(30, { path: '/dev/full' }, { maxBatchSize: 10, retryAttempts: 1, retryDelay: 10 });
    const result = await run.done;
    expect(result.nodes.out?.io?.counters.writeErrors).toBeGreaterThanOrEqual(3);
    expect(result.nodes.out?.lastError).toMatch(/cannot write \/dev\/full.*ENOSPC|ENOSPC/);
    expect(events.some((e) => e.type === 'io.error' && e.code === 'ENOSPC')).toBe(true);
    expect(events.some((e) => e.type === 'delivery.failed')).toBe(true);

    const dir = folder();
    const missing = await copy(5, { path: path.join(dir, 'no', 'such', 'dir.ndjson') }, { retryAttempts: 0 });
    const r2 = await missing.run.done;
    expect(r2.nodes.out?.io?.counters.writeErrors).toBeGreaterThanOrEqual(1);
    expect(r2.nodes.out?.lastError).toMatch(/ENOENT/);
  });

  it('closes its file when the run stops', async () => {
    const dir = folder();
    const out = path.join(dir, 'out.ndjson');
    const { run } = await copy(10, { path: out });
    await until(() => existsSync(out) && readFileSync(out, 'utf8').split('\n').length > 10, 'written');
    await run.stop();
    await until(
      () =>
        readdirSync('/proc/self/fd').every((fd) => {
          try {
            return !readlinkTo(fd).startsWith(dir);
          } catch {
            return true;
          }
        }),
      'no file left open under the folder',
    );
  });
});
const readlinkTo = (fd: string) => readlinkSync(`/proc/self/fd/${fd}`);

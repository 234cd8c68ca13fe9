import { appendFileSync, readlinkSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkflowRun } from '../../../src/index.js';
import { tempDir } from '../../support/child-server.js';
import { counters, edge, ioWorkflow, until } from '../web/harness.js';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function folder() {
  const t = tempDir('file-in');
  cleanup.push(t.remove);
  return t.dir;
}

async function reader(config: Record<string, unknown>, edgeConfig: Record<string, unknown> = {}) {
  const h = ioWorkflow();
  const run: WorkflowRun = await h.wf.executeWorkflow({
    nodes: [{ id: 'file', type: 'file in', config }, { id: 'sink', type: 'test.sink' }, { id: 'dead', type: 'test.errors' }],
    edges: [edge('file', 'sink', edgeConfig), edge('file', 'dead', {}, 'error')],
  });
  cleanup.push(() => run.stop());
  return { ...h, run };
}

/** The files this process has open under `dir`. */
const openUnder = (dir: string) =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir);
    } catch {
      return false;
    }
  });

describe('file in (read)', () => {
  it('reads NDJSON to the end and completes; a malformed or over-long line is counted, reported and routed with path:line', async () => {
    const dir = folder();
    const file = path.join(dir, 'a.ndjson');
    writeFileSync(file, `{"i":1}\n{oops\n\n{"i":2}\n"${'x'.repeat(100)}"\n{"i":3}`);
    const r = await reader({ path: file, onInvalid: 'error', maxLineBytes: 50 });
    const result = await r.run.done;
    expect(result.status).toBe('completed');
    expect(r.got).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }]);
    expect(r.errors).toMatchObject([
      { code: 'MALFORMED_PAYLOAD', source: `${file}:2` },
      { code: 'OVERSIZED_PAYLOAD', source: `${file}:5`, size: 51, sample: '' }, // not kept: at least the limit + 1
    ]);
    expect(result.nodes.file?.io?.counters).toMatchObject({ received: 3, malformed: 1, oversized: 1 });
    expect(openUnder(dir)).toEqual([]);
  });

  it('reads CSV with a header row and quoted fields; a record with the wrong field count is malformed', async () => {
    const dir = folder();
    const file = path.join(dir, 'a.csv');
    writeFileSync(file, 't,name,v\r\n1,"Smith, J",21.5\r\n2,"say ""hi""",x\r\n3,short\r\n');
    const r = await reader({ path: file, format: 'csv' });
    const result = await r.run.done;
    expect(r.got).toEqual([
      { t: 1, name: 'Smith, J', v: 21.5 },
      { t: 2, name: 'say "hi"', v: 'x' },
    ]);
    expect(result.nodes.file?.io?.counters.malformed).toBe(1);
    expect(result.nodes.file?.lastError).toMatch(new RegExp(`${file}:4`));
  });

  it('stops reading while the flow is backpressured (the rest stays in the file), then reads it all in order', async () => {
    const dir = folder();
    const file = path.join(dir, 'big.ndjson');
    const n = 50_000;
    writeFileSync(file, Array.from({ length: n }, (_, i) => `{"i":${i}}\n`).join(''));
    const r = await reader({ path: file }, { bufferSize: 100, maxBatchSize: 10 });
    r.sink.delayMs = 20;
    await new Promise((res) => setTimeout(res, 500));
    const c = counters(r.run, 'file');
    // ~25 batches of 10 in 0.5 s: what was read is what the sink took plus one buffer, not the file.
    expect(c.received).toBeLessThan(r.got.length + 200);
    expect(c.pauses).toBeGreaterThan(0);
    r.sink.delayMs = 0;
    const result = await r.run.done;
    expect(result.status).toBe('completed');
    expect(r.got.length).toBe(n);
    expect((r.got as { i: number }[]).every((m, i) => m.i === i)).toBe(true);
    expect(result.nodes.file?.io?.counters.overflow).toBeUndefined();
  });

  it('fails clearly when the file does not exist', async () => {
    const r = await reader({ path: path.join(folder(), 'missing.ndjson') });
    const result = await r.run.done;
    expect(result.status).toBe('failed');
    expect(result.nodes.file?.lastError).toMatch(/cannot read .*missing\.ndjson.*ENOENT/);
  });
});

describe('file in (follow)', () => {
  it('tails from the end: reads appends, follows a rotation by rename and a truncation, and closes the file at stop', async () => {
    const dir = folder();
    const file = path.join(dir, 'log.ndjson');
    writeFileSync(file, '{"old":1}\n');
    const r = await reader({ path: file, follow: true, from: 'end', pollMs: 20 });
    await until(() => openUnder(dir).length === 1, 'the file opened');
    await new Promise((res) => setTimeout(res, 50)); // 'end' is its end once positioned
    appendFileSync(file, '{"i":1}\n{"i":');
    await until(() => r.got.length === 1, 'the first append');
    appendFileSync(file, '2}\n');
    await until(() => r.got.length === 2, 'the line completed by the second append');
    appendFileSync(file, '{"i":3}\n');
    renameSync(file, `${file}.1`);
    writeFileSync(file, '{"i":4}\n');
    await until(() => r.got.length === 4, 'the line before the rotation and the new file');
    writeFileSync(file, ''); // truncated: seen once the file is shorter than the read position
    await until(() => counters(r.run, 'file').rotations === 1 && counters(r.run, 'file').truncations === 1, 'rotation and truncation counted');
    appendFileSync(file, '{"i":5}\n');
    await until(() => r.got.length === 5, 'a line after the truncation');
    expect(r.got).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }, { i: 4 }, { i: 5 }]);
    const result = await r.run.stop();
    expect(result.status).toBe('stopped');
    await until(() => openUnder(dir).length === 0, 'the file closed');
  });

  it('keeps the CSV header when tailing from the end', async () => {
    const dir = folder();
    const file = path.join(dir, 'log.csv');
    writeFileSync(file, 't,v\n1,a\n');
    const r = await reader({ path: file, format: 'csv', follow: true, from: 'end', pollMs: 20 });
    await until(() => openUnder(dir).length === 1, 'the file opened');
    await new Promise((res) => setTimeout(res, 50));
    appendFileSync(file, '2,b\n');
    await until(() => r.got.length === 1, 'the appended record');
    expect(r.got).toEqual([{ t: 2, v: 'b' }]);
  });
});

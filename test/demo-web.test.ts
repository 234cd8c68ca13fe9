// The demo's web page (npm run demo serves it unless --no-web): one short run, read three ways
// while it streams: plain HTTP GETs of the page and its bundle, a Node connectEngine client
// on the page's own origin, and Debian's Chromium rendering the page with data. The demo still
// exits 0, having closed its server.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium as playwright } from 'playwright-core';
import { firstValueFrom, filter, timeout } from 'rxjs';
import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectEngine, type WebSocketConstructor } from '../src/remote/index.js';
import chromium from '../scripts/lib/chromium.json' with { type: 'json' };

const root = path.resolve(import.meta.dirname, '..');

/** Starts the demo; resolves with the page URL it prints, its output so far, and its exit. */
function startDemo(out: string) {
  const child = spawn(process.execPath, ['scripts/run-ts.mjs', 'demo/index.ts', '--duration=10000', `--out=${out}`, '--port=0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      const m = /Live dashboard in a browser: (http:\/\/127\.0\.0\.1:\d+\/) /.exec(stdout);
      if (m) resolve(m[1]!);
    });
    void exit.then((code) => reject(new Error(`the demo exited (${code}) before printing its URL:\n${stdout}\n${stderr}`)));
  });
  return { child, url, exit, output: () => ({ stdout, stderr }) };
}

it('npm run demo serves its dashboard page, whose engine endpoint streams widget data to a client of its origin and renders in Chromium', async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'nodeflow-demo-web-'));
  const demo = startDemo(out);
  try {
    const url = await demo.url;
    const origin = new URL(url).origin;

    // The page and its bundle, from memory.
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    expect(html).toContain('<script src="/bundle.js"></script>');
    const bundle = await fetch(new URL('/bundle.js', url));
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
    const js = await bundle.text();
    expect(js).toContain('nodeflow.v1'); // the remote client's subprotocol: the client is in it
    expect(js).not.toContain('process.env.NODE_ENV'); // replaced: React's production build
    expect((await fetch(new URL('/other', url))).status).toBe(404);

    // The engine is only for pages of this origin: a client without one is refused before any WebSocket.
    const engineUrl = `${origin.replace('http', 'ws')}/nodeflow`;
    const refused = await new Promise<number>((resolve) => new WebSocket(engineUrl, 'nodeflow.v1').on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)).on('open', () => resolve(101)));
    expect(refused).toBe(403);

    // A Node client that says it comes from the page's origin reads the demo's widgets.
    class FromPage extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { origin });
      }
    }
    const remote = connectEngine(engineUrl, { WebSocket: FromPage as unknown as WebSocketConstructor });
    try {
      await remote.ready;
      const widgets = [...remote.topology().nodes()].filter((n) => n.kind === 'widget').map((n) => n.id).sort();
      expect(widgets).toEqual(['chart', 'kpi']);
      const chart = remote.findWidget('chart')!;
      const release = chart.observe({ bufferSize: 200, updateInterval: 16, paused: false });
      const frame = await firstValueFrom(chart.data$.pipe(filter(({ window }) => window.size >= 50), timeout(10_000)));
      const values = frame.window.toArray().map((m) => m.data);
      expect(values.every((v) => typeof v === 'number' && Math.abs(v) <= 11)).toBe(true); // the sine: amplitude 10, a little noise
      expect(new Set(values).size).toBeGreaterThan(1);
      release();
    } finally {
      remote.close();
    }

    // The page itself in Chromium: the chart card of the sine fills with points, the metrics table with rows.
    const browser = await playwright.launch({ executablePath: process.env.CHROMIUM_PATH ?? chromium.path, args: chromium.args, headless: true });
    try {
      const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(url);
      const points = tab.locator('[role="figure"][aria-label="chart"] [data-points]');
      await expect.poll(async () => Number(await points.getAttribute('data-points', { timeout: 10_000 })), { timeout: 10_000 }).toBeGreaterThan(10);
      expect(await tab.locator('[role="figure"][aria-label="chart"] canvas').count()).toBeGreaterThan(0);
      await expect.poll(() => tab.locator('table[aria-label="metrics"] tbody tr').count(), { timeout: 5000 }).toBeGreaterThanOrEqual(7);
      expect(await tab.getByTestId('link').textContent()).toContain('open');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }

    expect(await demo.exit, demo.output().stderr).toBe(0);
    const { stdout } = demo.output();
    expect(stdout.split('\n').filter((l) => l.includes(url))).toHaveLength(1);
  } finally {
    demo.child.kill();
    rmSync(out, { recursive: true, force: true });
  }
}, 120_000);

// Shared by bench-browser.mjs and screenshot.mjs: Debian's Chromium through playwright-core
// (nothing downloads a browser), the same flags as vitest.config.ts, and the static Storybook
// build served from a throwaway local HTTP server.
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, statfsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { chromium as playwrightChromium } from 'playwright-core';
import chromium from './chromium.json' with { type: 'json' };

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? chromium.path;
// --disable-dev-shm-usage is for containers whose /dev/shm is 64 MB: Chromium then keeps its
// shared memory (every frame's canvas and tile buffers) in /tmp files instead. Where /dev/shm
// has room, as on an ordinary desktop, the benchmarks let Chromium use it (about 2-4 fps on the
// 18-widget dashboards on this project's VM, whose /tmp is on disk).
const shmRoomy = (() => {
  try {
    const { bavail, bsize } = statfsSync('/dev/shm');
    return bavail * bsize > 1024 ** 3;
  } catch {
    return false;
  }
})();
export const CHROMIUM_ARGS = shmRoomy ? chromium.args.filter((a) => a !== '--disable-dev-shm-usage') : chromium.args;

const root = path.resolve(import.meta.dirname, '..', '..');
const staticDir = path.join(root, 'storybook-static');

/** Builds the static Storybook unless `reuse` and a build exists. */
export function buildStorybook({ reuse = false } = {}) {
  if (reuse && existsSync(path.join(staticDir, 'index.json'))) return;
  console.error('building storybook (storybook-static/) ...');
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'storybook', 'dist', 'bin', 'dispatcher.js'), 'build', '-o', staticDir, '--quiet'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2' };

/** Serves storybook-static on 127.0.0.1 (a free port); resolves with { url, close }. */
export function serveStatic() {
  const server = createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(staticDir, rel.endsWith('/') ? `${rel}index.html` : rel);
    if (!file.startsWith(staticDir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** Launches Chromium and opens one story in the preview iframe; waits until a widget renders. */
export async function openStory(baseUrl, storyId, { args = '', viewport = { width: 1280, height: 900 } } = {}) {
  const browser = await playwrightChromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${baseUrl}/iframe.html?id=${storyId}&viewMode=story${args ? `&args=${args}` : ''}`);
  await page.waitForSelector('#storybook-root [role="figure"]', { timeout: 60_000 });
  return { browser, page };
}

#!/usr/bin/env node
// npm run screenshot: builds the static Storybook (--reuse keeps an existing build), opens the
// dashboard story in Debian's Chromium through playwright-core, lets it stream for a few
// seconds, and writes docs/widgets-dashboard.png.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildStorybook, openStory, serveStatic } from './lib/browser.mjs';

const argv = process.argv.slice(2);
const out = path.resolve(import.meta.dirname, '..', 'docs', 'widgets-dashboard.png');
buildStorybook({ reuse: argv.includes('--reuse') });
const server = await serveStatic();
const { browser, page } = await openStory(server.url, 'widgets-dashboard--many-widgets', { args: 'rate:200000', viewport: { width: 1280, height: 860 } });
try {
  // Streaming for a while fills the windows and lets the frame-rate meter settle.
  await page.waitForFunction(() => Number(document.querySelector('[aria-label="frame rate"]')?.getAttribute('data-fps')) > 0, null, { timeout: 30_000 });
  await page.waitForTimeout(3000);
  mkdirSync(path.dirname(out), { recursive: true });
  await page.locator('#storybook-root').screenshot({ path: out, animations: 'allow' });
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
} finally {
  await browser.close();
  await server.close();
}

#!/usr/bin/env node
// npm run screenshot: builds the static Storybook (--reuse keeps an existing build), opens the
// dashboard story in Debian's Chromium through playwright-core, checks that no card is cut off
// at 1024, 1440 and 1920 px wide, lets it stream for a few seconds at 1440 px, and writes
// docs/widgets-dashboard.png.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildStorybook, openStory, serveStatic } from './lib/browser.mjs';

const argv = process.argv.slice(2);
const out = path.resolve(import.meta.dirname, '..', 'docs', 'widgets-dashboard.png');
const STORY = 'widgets-dashboard--many-widgets';
const WIDTHS = [1024, 1440, 1920];
const SHOT_WIDTH = 1440;

buildStorybook({ reuse: argv.includes('--reuse') });
const server = await serveStatic();
const { browser, page } = await openStory(server.url, STORY, { args: 'rate:200000', viewport: { width: SHOT_WIDTH, height: 900 } });
try {
  const cut = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(300);
    // A card past the viewport's right edge, or a page wider than the viewport, is cut off.
    const over = await page.evaluate(() => {
      const w = document.documentElement.clientWidth;
      const cards = [...document.querySelectorAll('#storybook-root [role="figure"]')].filter((c) => c.getBoundingClientRect().right > w + 0.5).map((c) => c.getAttribute('aria-label'));
      return { cards, scroll: document.documentElement.scrollWidth > w };
    });
    console.log(`${width} px: ${over.cards.length || over.scroll ? `cut off (${over.cards.join(', ') || 'page scrolls sideways'})` : 'every card fits'}`);
    if (over.cards.length || over.scroll) cut.push(width);
  }
  await page.setViewportSize({ width: SHOT_WIDTH, height: 900 });
  // Streaming for a while fills the windows and lets the frame-rate meter settle.
  await page.waitForFunction(() => Number(document.querySelector('[aria-label="frame rate"]')?.getAttribute('data-fps')) > 0, null, { timeout: 30_000 });
  await page.waitForTimeout(3000);
  mkdirSync(path.dirname(out), { recursive: true });
  await page.locator('#storybook-root').screenshot({ path: out, animations: 'allow' });
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
  if (cut.length) {
    console.error(`cards cut off at ${cut.join(', ')} px`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  await server.close();
}

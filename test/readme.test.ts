// Every ```ts block of the README and of docs/*.md that imports '@nodeflow/runtime' runs here as
// written (only the import paths are pointed at src/; ```tsx blocks are React and are
// type-checked in docs-tsx.test.ts), so the docs cannot drift from the code.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { natsServer } from './support/nats-server.js';

// docs/threads.md starts worker_threads workers, which cannot load the TypeScript sources: their
// entry is the bundled one (test/threads/entry.ts).
vi.mock('../src/threads/port-node.js', async (original) => {
  const real = await original<typeof import('../src/threads/port-node.js')>();
  const { workerEntry } = await import('./threads/entry.js');
  return { ...real, threadPool: (o: Parameters<typeof real.threadPool>[0] = {}) => real.threadPool({ entry: workerEntry(), ...o }) };
});

const root = path.resolve(import.meta.dirname, '..');
const pages = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
// A page that teaches an API must show it running; a page may gain examples but not lose these.
const least: Record<string, number> = {
  'README.md': 1,
  'docs/configuration.md': 3,
  'docs/flow-control.md': 4,
  'docs/workflows.md': 2,
  'docs/metrics-and-debugging.md': 4,
  'docs/inspection.md': 2,
  'docs/cluster.md': 2,
  'docs/recording.md': 6,
  'docs/threads.md': 2,
};
const dir = path.join(root, 'test', '.readme-blocks');
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));


/** The runnable examples of one page: ```ts blocks that import the package. */
function examples(page: string): string[] {
  const text = readFileSync(path.join(root, page), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /from '@nodeflow\/runtime(\/[a-z]+)?'/.test(b));
}

it('the README and docs keep at least as many runnable examples as before', () => {
  const counts = Object.fromEntries(pages.map((p) => [p, examples(p).length]));
  for (const [page, n] of Object.entries(least)) expect(counts[page], page).toBeGreaterThanOrEqual(n);
  expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(16);
});

// Examples of the I/O nodes talk to a real broker: the page reads its url from an environment
// variable, and this test starts the broker (a child process on a free port) for that page.
const brokers: Record<string, () => Promise<{ url: string; remove(): Promise<void> }>> = {
  NATS_URL: () => natsServer(),
};

for (const page of pages) {
  const blocks = examples(page);
  if (blocks.length === 0) continue;
  describe(`${page} examples`, () => {
    const needed = Object.keys(brokers).filter((name) => blocks.some((b) => b.includes(`process.env.${name}`)));
    const started: { remove(): Promise<void> }[] = [];
    beforeAll(async () => {
      for (const name of needed) {
        const b = await brokers[name]!();
        started.push(b);
        process.env[name] = b.url;
      }
    }, 30_000);
    afterAll(async () => {
      for (const name of needed) delete process.env[name];
      for (const b of started) await b.remove();
    });
    blocks.forEach((code, i) => {
      const title = `example ${i + 1} runs: ${code.split('\n').find((l) => l.trim() && !l.startsWith('import'))?.slice(0, 60)}`;
      it(title, async () => {
        const file = path.join(dir, `${page.replace(/[/.]/g, '-')}-${i + 1}.ts`);
        const src = code.replace(/'@nodeflow\/runtime\/([a-z]+)'/g, "'../../src/$1/index.js'").replaceAll("'@nodeflow/runtime'", "'../../src/index.js'");
        writeFileSync(file, src + '\nexport {};\n');
        const log = vi.spyOn(console, 'log').mockImplementation(() => {});
        // Examples write relative paths (openFileLog('./recordings/chart')): into a temporary
        // folder, not the checkout (a recording once landed in git that way).
        const cwd = process.cwd();
        const scratch = mkdtempSync(path.join(tmpdir(), 'nodeflow-example-'));
        process.chdir(scratch);
        try {
          await import(/* @vite-ignore */ file);
          // Examples that state a result in a comment (`console.log(x); // → value`) must print
          // exactly that, in that order.
          const promised = [...code.matchAll(/console\.log\(.*\); \/\/ → (.+)$/gm)].map((m) => m[1]!.trim());
          const printed = log.mock.calls.map((c) => (c.length === 1 ? JSON.stringify(c[0]) : JSON.stringify(c)));
          expect(printed.filter((p) => promised.includes(p))).toEqual(promised);
        } finally {
          process.chdir(cwd);
          rmSync(scratch, { recursive: true, force: true });
          log.mockRestore();
        }
      });
    });
  });
}

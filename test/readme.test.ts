// Every ```ts block of the README that imports '@nodeflow/runtime' runs here as written (only
// the import paths are pointed at src/; ```tsx blocks are React and run as browser tests), so the docs cannot drift from the code.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => b.includes("from '@nodeflow/runtime'"));
const dir = path.join(root, 'test', '.readme-blocks');
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README examples', () => {
  it('has runnable examples', () => expect(blocks.length).toBeGreaterThanOrEqual(2));
  blocks.forEach((code, i) => {
    it(`example ${i + 1} runs: ${code.split('\n').find((l) => l.trim() && !l.startsWith('import'))?.slice(0, 60)}`, async () => {
      const file = path.join(dir, `block-${i + 1}.ts`);
      const src = code.replaceAll("'@nodeflow/runtime/inspect'", "'../../src/inspect/index.js'").replaceAll("'@nodeflow/runtime'", "'../../src/index.js'");
      writeFileSync(file, src + '\nexport {};\n');
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      try {
        await import(/* @vite-ignore */ file);
        // Examples that state a result in a comment (`console.log(x); // → value`) must print
        // exactly that, in that order.
        const promised = [...code.matchAll(/console\.log\(.*\); \/\/ → (.+)$/gm)].map((m) => m[1]!.trim());
        const printed = log.mock.calls.map((c) => (c.length === 1 ? JSON.stringify(c[0]) : JSON.stringify(c)));
        expect(printed.filter((p) => promised.includes(p))).toEqual(promised);
      } finally {
        log.mockRestore();
      }
    });
  });
});

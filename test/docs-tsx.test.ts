// Every ```tsx block of the README and docs/*.md is React for a browser page, so it does not run
// in Node; instead it is type-checked as written against the source (only the package import
// paths are pointed at src/), with the project's own compiler and strict settings. A renamed
// export, a wrong prop or a missing import fails here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const dir = path.join(root, '.run', 'docs-tsx');
const pages = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const blocks = pages.flatMap((page) =>
  [...readFileSync(path.join(root, page), 'utf8').matchAll(/```tsx\n([\s\S]*?)```/g)].map((m, i) => ({
    page,
    file: `${page.replace(/[/.]/g, '-')}-${i + 1}.tsx`,
    code: m[1]!,
  })),
);
const entries: Record<string, string> = {
  "'@nodeflow/runtime'": "'../../src/index.js'",
  "'@nodeflow/runtime/widgets'": "'../../src/widgets/index.js'",
  "'@nodeflow/runtime/inspect'": "'../../src/inspect/index.js'",
  "'@nodeflow/runtime/remote'": "'../../src/remote/index.js'",
};

let errors = '';
beforeAll(() => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const b of blocks) {
    let src = b.code;
    for (const [from, to] of Object.entries(entries)) src = src.replaceAll(from, to);
    writeFileSync(path.join(dir, b.file), src + '\nexport {};\n');
  }
  // Examples may declare what they do not use (a component shown for its shape).
  const tsconfig = { extends: '../../tsconfig.json', compilerOptions: { noUnusedLocals: false, noUnusedParameters: false }, include: ['*.tsx'] };
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', path.join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  errors = run.stdout + run.stderr;
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('the docs have React examples to check', () => expect(blocks.length).toBeGreaterThanOrEqual(6));
// A compiler that failed to start, found no inputs or choked on the config must not pass every block.
it('the compiler ran and reported nothing outside the examples', () => {
  expect(errors.split('\n').filter((l) => l.trim() && !blocks.some((b) => l.includes(b.file)))).toEqual([]);
});

for (const page of pages) {
  const mine = blocks.filter((b) => b.page === page);
  if (mine.length === 0) continue;
  describe(`${page} tsx examples`, () => {
    mine.forEach((b, i) => {
      it(`example ${i + 1} type-checks: ${b.code.split('\n').find((l) => l.trim() && !l.startsWith('import') && !l.startsWith('//'))?.slice(0, 60)}`, () => {
        const own = errors.split('\n').filter((l) => l.includes(b.file));
        expect(own).toEqual([]);
      });
    });
  });
}

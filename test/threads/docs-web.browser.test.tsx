/// <reference types="vite/client" />
// The "In the browser" example of docs/threads.md, run in Chromium as written (test/readme.test.ts
// runs the Node examples; this one needs Web Workers). Only its import paths are pointed at src/.
import { expect, it, vi } from 'vitest';
import doc from '../../docs/threads.md?raw';

function browserExample(): string {
  const section = doc.split('\n## In the browser\n')[1]?.split('\n## ')[0] ?? '';
  const block = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('docs/threads.md has no ```js example under "In the browser"');
  return block;
}

it('the In the browser example of docs/threads.md runs on Web Workers and prints what it promises', async () => {
  const code = browserExample();
  expect(code).toContain("from '@nodeflow/runtime/threads/web'");
  const src = code
    .replaceAll("'@nodeflow/runtime/threads/web'", `'${new URL('/src/threads/web.ts', location.href).href}'`)
    .replaceAll("'@nodeflow/runtime'", `'${new URL('/src/index.ts', location.href).href}'`);
  const log = vi.spyOn(console, 'log');
  const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
  try {
    await import(/* @vite-ignore */ url);
    const promised = [...code.matchAll(/console\.log\(.*\); \/\/ → (.+)$/gm)].map((m) => m[1]!.trim());
    const printed = log.mock.calls.map((c) => (c.length === 1 ? JSON.stringify(c[0]) : JSON.stringify(c)));
    expect(promised.length).toBeGreaterThan(0);
    expect(printed.filter((p) => promised.includes(p))).toEqual(promised);
  } finally {
    URL.revokeObjectURL(url);
    log.mockRestore();
  }
});

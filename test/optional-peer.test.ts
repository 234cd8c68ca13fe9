import { expect, test } from 'vitest';
import { NodeflowError } from '../src/errors.js';
import { optionalPeer } from '../src/optional-peer.js';

test('loads once and shares the module among callers', async () => {
  let loads = 0;
  const load = optionalPeer('pkg', '@nodeflow/runtime/x', async () => ({ n: ++loads }));
  const [a, b] = await Promise.all([load(), load()]);
  expect(a).toBe(b);
  expect(await load()).toBe(a);
  expect(loads).toBe(1);
});

test('a failed load rejects with MISSING_DEPENDENCY naming the package and the cause, and the next call retries', async () => {
  let attempts = 0;
  const cause = new Error("Cannot find package 'pkg'");
  const load = optionalPeer('pkg', '@nodeflow/runtime/x', async () => {
    if (++attempts === 1) throw cause;
    return 'module';
  });
  const error = await load().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NodeflowError);
  expect(error).toMatchObject({ code: 'MISSING_DEPENDENCY', details: { dependency: 'pkg', cause } });
  expect((error as Error).message).toContain('@nodeflow/runtime/x needs pkg');
  expect((error as Error).message).toContain('npm install pkg');
  expect((error as Error).message).toContain("Cannot find package 'pkg'");
  expect(await load()).toBe('module');
  expect(attempts).toBe(2);
});

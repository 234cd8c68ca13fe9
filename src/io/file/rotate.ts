import { rename, rm } from 'node:fs/promises';

const ignoreMissing = (e: NodeJS.ErrnoException) => {
  if (e.code !== 'ENOENT') throw e;
};

/**
 * Rotates `path` by rename, keeping `keep` old files: `path.keep` is removed, `path.i` becomes
 * `path.(i+1)`, and `path` becomes `path.1`. The writer then opens a fresh `path`.
 *
 * @example
 * ```ts
 * await rotateFiles('out.ndjson', 3); // out.ndjson -> out.ndjson.1 -> .2 -> .3 (the old .3 removed)
 * ```
 * @internal
 */
export async function rotateFiles(path: string, keep: number): Promise<void> {
  await rm(`${path}.${keep}`, { force: true });
  for (let i = keep - 1; i >= 1; i--) await rename(`${path}.${i}`, `${path}.${i + 1}`).catch(ignoreMissing);
  await rename(path, `${path}.1`).catch(ignoreMissing);
}

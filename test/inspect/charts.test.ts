import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartFiles, repoRoot } from '../../scripts/state-charts.js';

describe('docs/state-charts', () => {
  it('are up to date with src/machines (run `npm run charts` after changing a machine)', async () => {
    const files = await chartFiles();
    expect(files.map((f) => f.file)).toEqual(expect.arrayContaining(['docs/state-charts.md', 'docs/state-charts/connection.svg', 'docs/state-charts/engine.svg', 'docs/state-charts/node.svg', 'docs/state-charts/widget.svg']));
    for (const { file, content } of files) {
      const disk = path.join(repoRoot, file);
      expect(existsSync(disk), `${file} is missing: run npm run charts`).toBe(true);
      expect(readFileSync(disk, 'utf8') === content, `${file} is stale: run npm run charts`).toBe(true);
    }
  }, 30_000);
});

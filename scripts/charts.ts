// `npm run charts`: writes docs/state-charts/<machine>.svg and docs/state-charts.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chartFiles, repoRoot } from './state-charts.js';

for (const { file, content } of await chartFiles()) {
  mkdirSync(path.dirname(path.join(repoRoot, file)), { recursive: true });
  writeFileSync(path.join(repoRoot, file), content);
  console.log(`wrote ${file}`);
}

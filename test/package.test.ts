// The package as a user installs it: `npm pack`, installed into throwaway projects, type-checked
// by TypeScript 5.9 with skipLibCheck off under nodenext and bundler resolution, and loaded by
// Node with both `import` and `require()`. The core entry must work with no React, elkjs or
// uPlot installed; the widgets and inspect entries load without elkjs and uPlot and say which
// package to install when a layout needs it.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumer, installed, node, pack, root, tempDir, typeErrors, type Packed } from './support/consumer.js';

// Packing builds dist/ (about 3 s), each npm install takes about 5 s from a warm cache, and
// each TypeScript 5.9 check about 3 s: minutes of slack for CI's two shared cores.
const SETUP_MS = 300_000;
const CHECK_MS = 120_000;

const CORE_SOURCE = `import { StreamEngine, NodeflowError, DEFAULT_STREAM_CONFIG, type StreamConfig, type NodeflowErrorCode } from '@nodeflow/runtime';
const config: StreamConfig = { ...DEFAULT_STREAM_CONFIG, bufferSize: 64 };
const engine: StreamEngine = new StreamEngine(config);
const code: NodeflowErrorCode = 'MISSING_DEPENDENCY';
export const check = { engine, id: engine.createConnection('a', 'b', 'out', 'in'), error: new NodeflowError(code, 'x') };
`;

const UI_SOURCE = `import { StreamEngine, connectionMachine } from '@nodeflow/runtime';
import { LineChart, StreamEngineProvider, useStreamData } from '@nodeflow/runtime/widgets';
import { layoutChart, StateChart, toMermaid, type ChartLayout } from '@nodeflow/runtime/inspect';
const engine = new StreamEngine();
export const view = <StreamEngineProvider engine={engine}><LineChart streamId="chart" width={320} /></StreamEngineProvider>;
export const layout: Promise<ChartLayout> = layoutChart(connectionMachine);
export const parts = { StateChart, toMermaid, useStreamData };
`;

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const work = tempDir('nodeflow-pack-');
let packed: Packed;
let core: string;
let ui: string;
afterAll(() => rmSync(work, { recursive: true, force: true }), CHECK_MS);

describe('package', () => {
  beforeAll(async () => {
    packed = await pack(work);
    // Core: the tarball alone (React, elkjs, uPlot are optional peers, so npm adds none of them).
    // UI: React and its types, without elkjs and uPlot, to prove they load lazily.
    [core, ui] = await Promise.all([
      consumer(path.join(work, 'core'), packed.tarball, [], 'index.ts', CORE_SOURCE),
      consumer(path.join(work, 'ui'), packed.tarball, ['react', 'react-dom', '@types/react', '@xstate/react'], 'index.tsx', UI_SOURCE),
    ]);
  }, SETUP_MS);

  it('declares React, elkjs, uPlot and ws as optional peers, kept as dev dependencies for our own tests', () => {
    for (const name of ['react', 'react-dom', '@xstate/react', 'elkjs', 'uplot', 'ws']) {
      expect(pkg.dependencies[name], name).toBeUndefined();
      expect(pkg.peerDependencies[name], name).toBeDefined();
      expect(pkg.peerDependenciesMeta[name]?.optional, name).toBe(true);
      expect(pkg.devDependencies[name], name).toBeDefined();
    }
    expect(installed(core, '@nodeflow/runtime')).toBe(true);
    for (const name of ['react', '@types/react', 'elkjs', 'uplot']) expect(installed(core, name), `core consumer has ${name}`).toBe(false);
    for (const name of ['elkjs', 'uplot']) expect(installed(ui, name), `ui consumer has ${name}`).toBe(false);
    expect(installed(ui, '@types/react')).toBe(true);
  });

  it('ships no source map whose sources are missing from the tarball', () => {
    const files = new Set(packed.files);
    for (const map of packed.files.filter((f) => f.endsWith('.map'))) {
      const { sources } = JSON.parse(readFileSync(path.join(core, 'node_modules', pkg.name, map), 'utf8')) as { sources: string[] };
      for (const source of sources) expect(files.has(path.posix.join(path.posix.dirname(map), source)), `${map} → ${source}`).toBe(true);
    }
    for (const spec of Object.values<{ types: string; default: string } | string>(pkg.exports)) {
      if (typeof spec === 'string') continue;
      expect(files.has(spec.types.slice(2)), spec.types).toBe(true);
      expect(files.has(spec.default.slice(2)), spec.default).toBe(true);
    }
  });

  // Core without React types and UI with them, two compilers at once (the machine has two cores).
  for (const resolution of ['nodenext', 'bundler'] as const) {
    it(`type-checks under ${resolution} with skipLibCheck off: core with no React types installed, widgets and inspect with @types/react`, async () => {
      const [coreErrors, uiErrors] = await Promise.all([typeErrors(core, resolution), typeErrors(ui, resolution)]);
      expect(coreErrors, 'core entry').toBe('');
      expect(uiErrors, 'widgets and inspect entries').toBe('');
    }, CHECK_MS);
  }

  it('core loads with ESM import and with require()', async () => {
    const probe = `typeof m.StreamEngine + ' ' + typeof m.NodeflowError + ' ' + new m.StreamEngine().createConnection('a', 'b', 'out', 'in')`;
    expect(await node(core, 'module', `const m = await import('@nodeflow/runtime'); console.log(${probe});`)).toBe('function function a:out->b:in');
    expect(await node(core, 'commonjs', `const m = require('@nodeflow/runtime'); console.log(${probe});`)).toBe('function function a:out->b:in');
  }, CHECK_MS);

  it('widgets and inspect load without elkjs and uPlot; a layout then asks for elkjs by name', async () => {
    const script = `
      const widgets = await import('@nodeflow/runtime/widgets');
      const inspect = await import('@nodeflow/runtime/inspect');
      const { connectionMachine } = await import('@nodeflow/runtime');
      const failure = await inspect.layoutChart(connectionMachine).then(() => null, (e) => e);
      console.log(JSON.stringify({ chart: typeof widgets.LineChart, mermaid: inspect.toMermaid(connectionMachine).startsWith('stateDiagram'), name: failure?.name, code: failure?.code, message: failure?.message }));`;
    const out = JSON.parse(await node(ui, 'module', script));
    expect(out).toMatchObject({ chart: 'function', mermaid: true, name: 'NodeflowError', code: 'MISSING_DEPENDENCY' });
    expect(out.message).toContain('npm install elkjs');
  }, CHECK_MS);
});

import { createElement } from 'react';
import type { AnyStateMachine, StateValue } from 'xstate';
import { activeStateIds } from './active.js';
import { layoutChart } from './layout.js';
import { StateChartSvg } from './svg.js';

/**
 * Options of {@link renderStateChartSvg}.
 *
 * @example
 * ```ts
 * const opts: RenderSvgOptions = { value: 'circuitOpen' };
 * ```
 */
export interface RenderSvgOptions {
  /** A snapshot value to highlight, e.g. `actor.getSnapshot().value`. */
  readonly value?: StateValue;
  /** Transition ids to highlight as the last step. */
  readonly taken?: Iterable<string>;
}

/**
 * A machine's state chart as a standalone SVG document, in Node or a browser: the ELK layout
 * and the same {@link StateChartSvg} the live component draws, rendered to a string.
 * `react-dom/server` is loaded on first use, so importing this entry does not require it.
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * import { connectionMachine } from '@nodeflow/runtime';
 * import { renderStateChartSvg } from '@nodeflow/runtime/inspect';
 * await writeFile('connection.svg', await renderStateChartSvg(connectionMachine));
 * ```
 */
export async function renderStateChartSvg(machine: AnyStateMachine, options: RenderSvgOptions = {}): Promise<string> {
  const [{ renderToStaticMarkup }, layout] = await Promise.all([import('react-dom/server'), layoutChart(machine)]);
  const active = options.value === undefined ? undefined : activeStateIds(layout.graph, options.value);
  const svg = renderToStaticMarkup(createElement(StateChartSvg, { layout, active, taken: new Set(options.taken ?? []) }));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
}

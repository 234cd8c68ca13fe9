import type { ReactElement } from 'react';
import { CHART_FONT, type ChartBox, type ChartEdge, type ChartLayout } from './layout.js';

/**
 * Props of {@link StateChartSvg}: a layout plus what to highlight.
 *
 * @example
 * ```ts
 * const props: StateChartSvgProps = { layout, active: activeStateIds(layout.graph, 'flowing') };
 * ```
 */
export interface StateChartSvgProps {
  readonly layout: ChartLayout;
  /** State ids to highlight (see `activeStateIds`). */
  readonly active?: ReadonlySet<string>;
  /** Transition ids to highlight: the last step the actor took. */
  readonly taken?: ReadonlySet<string>;
  readonly title?: string;
  /** Scale down to the container's width (for pages; files keep their natural size). */
  readonly fit?: boolean;
}

const COLORS = {
  line: '#64748b',
  text: '#0f172a',
  muted: '#475569',
  fill: '#ffffff',
  rootFill: '#f8fafc',
  activeFill: '#dbeafe',
  activeLine: '#2563eb',
  taken: '#ea580c',
} as const;
const NONE: ReadonlySet<string> = new Set();
// Parallel and history states say so in their title (UML marks them by shape).
const MARK: Record<string, string> = { parallel: ' ‖ parallel', history: ' (H)' };

/**
 * Draws a laid-out state chart as SVG, with no state of its own: the same element renders in a
 * browser and, through `renderToStaticMarkup`, into a standalone `.svg` file (hence the
 * explicit `xmlns` and inline styles). Active states are blue, the last transitions orange.
 * Every state carries `data-state-id` and `data-active`, every edge `data-transition-id` and
 * `data-taken`, for tests and tooling.
 *
 * @example
 * ```tsx
 * const layout = await layoutChart(connectionMachine);
 * <StateChartSvg layout={layout} active={activeStateIds(layout.graph, 'circuitOpen')} />;
 * ```
 */
export function StateChartSvg({ layout, active = NONE, taken = NONE, title, fit = false }: StateChartSvgProps): ReactElement {
  const { width, height } = layout;
  const label = title ?? `${layout.graph.id} state chart`;
  return (
    <svg xmlns="http://www.w3.org/2000/svg" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={label} fontFamily={CHART_FONT.family} fontSize={CHART_FONT.size} style={fit ? { maxWidth: '100%', height: 'auto' } : undefined}>
      <title>{label}</title>
      <defs>
        {(['line', 'taken'] as const).map((k) => (
          <marker key={k} id={`arrow-${k}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" fill={COLORS[k]} />
          </marker>
        ))}
      </defs>
      {layout.boxes.map((b) => (
        <Box key={b.id} box={b} kind={layout.graph.states.find((s) => s.id === b.stateId)?.type ?? 'atomic'} active={active.has(b.stateId)} />
      ))}
      {layout.edges.map((e) => (
        <Edge key={e.id} edge={e} taken={e.transitionId !== null && taken.has(e.transitionId)} />
      ))}
    </svg>
  );
}

function Box({ box: b, kind, active }: { box: ChartBox; kind: string; active: boolean }) {
  if (b.kind === 'initial') return <circle data-initial-of={b.stateId} cx={b.x + b.width / 2} cy={b.y + b.height / 2} r={b.width / 2} fill={COLORS.text} />;
  const any = b.kind === 'any';
  const stroke = active && !any ? COLORS.activeLine : COLORS.line;
  // Only leaves are filled when active: a compound state (the root above all) is active whenever any child is.
  const leaf = kind !== 'compound' && kind !== 'parallel';
  const fill = any || !leaf ? COLORS.rootFill : active ? COLORS.activeFill : COLORS.fill;
  const final = kind === 'final';
  const state = any ? {} : { 'data-state-id': b.stateId, 'data-active': active ? 'true' : 'false' };
  return (
    <g {...state}>
      <rect x={b.x} y={b.y} width={b.width} height={b.height} rx={8} fill={fill} stroke={stroke} strokeWidth={active && !any ? 2.5 : 1} strokeDasharray={any ? '4 3' : undefined} />
      {final ? <rect x={b.x + 3} y={b.y + 3} width={b.width - 6} height={b.height - 6} rx={6} fill="none" stroke={stroke} /> : null}
      <text x={b.x + 10} y={b.y + 17} fill={COLORS.text} fontWeight={any ? 'normal' : 'bold'} fontStyle={any ? 'italic' : undefined}>
        {any ? `any ${b.stateId.split('.').pop()} state` : `${b.stateId.split('.').pop()}${MARK[kind] ?? ''}`}
      </text>
      {b.lines.map((line, i) => (
        <text key={i} x={b.x + 10} y={b.y + 17 + (i + 1) * CHART_FONT.lineHeight} fill={COLORS.muted}>
          {line}
        </text>
      ))}
    </g>
  );
}

function Edge({ edge: e, taken }: { edge: ChartEdge; taken: boolean }) {
  const d = e.points.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' ');
  const color = taken ? COLORS.taken : COLORS.line;
  const marker = `url(#arrow-${taken ? 'taken' : 'line'})`;
  return (
    <g data-transition-id={e.transitionId ?? undefined} data-taken={e.transitionId ? (taken ? 'true' : 'false') : undefined}>
      <path d={d} fill="none" stroke={color} strokeWidth={taken ? 2.5 : 1.2} markerEnd={marker} />
      {e.label ? (
        <g>
          <rect x={e.label.x} y={e.label.y} width={e.label.width} height={e.label.height} rx={3} fill="#ffffff" />
          <text x={e.label.x + 4} y={e.label.y + e.label.height - 5} fill={taken ? COLORS.taken : COLORS.muted} fontWeight={taken ? 'bold' : undefined}>
            {e.label.text}
          </text>
        </g>
      ) : null}
    </g>
  );
}

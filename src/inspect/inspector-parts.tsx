import type { CSSProperties, ReactElement } from 'react';

/**
 * The color of each connection state in the inspector (and a legend for your own views).
 *
 * @example
 * ```ts
 * const stroke = CONNECTION_STATE_COLORS[engine.getConnection(id).currentState];
 * ```
 */
export const CONNECTION_STATE_COLORS: Readonly<Record<string, string>> = {
  flowing: '#16a34a',
  backpressured: '#d97706',
  retrying: '#9333ea',
  circuitOpen: '#dc2626',
  halfOpen: '#ea580c',
  settled: '#0891b2',
  closing: '#64748b',
  closed: '#94a3b8',
  failed: '#7f1d1d',
};

/** The inspector's palette: plain inline styles, so it needs no stylesheet. @internal */
export const INK = { text: '#0f172a', muted: '#475569', line: '#cbd5e1', panel: '#f8fafc', accent: '#2563eb', unknown: '#334155' } as const;

/** A connection state's color, or slate for a state this palette does not know. @internal */
export const stateColor = (state: string): string => CONNECTION_STATE_COLORS[state] ?? INK.unknown;

/** The inspector's panels: a light frame with a small uppercase heading. @internal */
export const panel: CSSProperties = { border: `1px solid ${INK.line}`, borderRadius: 8, background: '#fff', padding: 12, minWidth: 0 };
/** @internal */
export const heading: CSSProperties = { margin: '0 0 8px', fontSize: 11, fontWeight: 600, letterSpacing: 0.6, textTransform: 'uppercase', color: INK.muted };

/**
 * A state as a colored pill with its name in white.
 *
 * @example
 * ```tsx
 * <StatePill state="circuitOpen" />
 * ```
 * @internal
 */
export function StatePill({ state }: { state: string }): ReactElement {
  return <span style={{ display: 'inline-block', padding: '1px 8px', borderRadius: 10, background: stateColor(state), color: '#fff', fontSize: 11, fontWeight: 600, whiteSpace: 'nowrap' }}>{state}</span>;
}

/**
 * Every known connection state with its color, for reading the graph's edges.
 *
 * @example
 * ```tsx
 * <StateLegend />
 * ```
 * @internal
 */
export function StateLegend(): ReactElement {
  return (
    <ul aria-label="connection states" style={{ listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexWrap: 'wrap', gap: '4px 12px', fontSize: 12, color: INK.muted }}>
      {Object.entries(CONNECTION_STATE_COLORS).map(([state, color]) => (
        <li key={state} style={{ display: 'inline-flex', alignItems: 'center', gap: 5 }}>
          <span style={{ width: 14, height: 4, borderRadius: 2, background: color }} />
          {state}
        </li>
      ))}
    </ul>
  );
}

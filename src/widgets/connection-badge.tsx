import { useEffect, useState, type CSSProperties } from 'react';
import type { EngineLike } from './engine-like.js';
import { useConnectionState } from './use-connection-state.js';

const COLORS: Record<string, string> = {
  flowing: '#1a7f37',
  backpressured: '#bf8700',
  retrying: '#bc4c00',
  circuitOpen: '#cf222e',
  halfOpen: '#8250df',
  closing: '#57606a',
  closed: '#57606a',
  failed: '#82071e',
  unknown: '#8c959f',
};

/**
 * Props of {@link ConnectionBadge}.
 *
 * @example
 * ```ts
 * const props: ConnectionBadgeProps = { connectionId: 'sensor:out->chart:in', label: 'sensor → chart', trail: 4 };
 * ```
 */
export interface ConnectionBadgeProps {
  /** The connection to follow: its id (`source:port->target:port`), or a `source:port` with one connection. */
  connectionId: string;
  /** Text before the badge. Default: none. */
  label?: string;
  /** How many states the trail keeps, the current one included; the earlier ones show after the badge. Default 0 (no trail). */
  trail?: number;
  /** The engine to read. Default: the one from `<StreamEngineProvider>`. */
  engine?: EngineLike;
  /** Extra styles for the badge's wrapper. */
  style?: CSSProperties;
}

/**
 * A badge with the connection machine's state (`flowing`, `backpressured`, `retrying`,
 * `circuitOpen`, `halfOpen`, ...) and, with `trail`, the last few states it went through, so
 * a state shorter than a frame still shows. `data-state` carries the state for tests.
 *
 * @example
 * ```tsx
 * <ConnectionBadge connectionId="sensor:out->chart:in" label="sensor → chart" trail={4} />
 * ```
 */
export function ConnectionBadge(props: ConnectionBadgeProps) {
  const state = useConnectionState(props.connectionId, { engine: props.engine });
  const keep = props.trail ?? 0;
  const [trail, setTrail] = useState<string[]>([]);
  useEffect(() => {
    if (keep > 0) setTrail((t) => (t[t.length - 1] === state ? t : [...t, state].slice(-keep)));
  }, [state, keep]);
  const color = COLORS[state] ?? '#57606a';
  return (
    <span
      role="status"
      aria-label={props.label ?? props.connectionId}
      data-state={state}
      data-trail={trail.join(' ')}
      style={{ display: 'inline-flex', gap: 6, alignItems: 'center', font: '12px system-ui, sans-serif', ...props.style }}
    >
      {props.label && <span>{props.label}</span>}
      <span style={{ background: color, color: '#fff', borderRadius: 10, padding: '1px 8px', fontWeight: 600 }}>{state}</span>
      {keep > 0 && trail.length > 1 && <span style={{ color: '#57606a' }}>{trail.slice(0, -1).join(' → ')} →</span>}
    </span>
  );
}

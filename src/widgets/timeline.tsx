import { useRef, useState, type CSSProperties } from 'react';
import type { Replay } from '../record/replay.js';
import type { ReplaySpeed } from '../record/replay-options.js';
import type { FrameLoop } from './frame-loop.js';
import { scrubberOf, speedLabel, type TimelineScale } from './timeline-scale.js';
import { useReplayState } from './use-replay-state.js';

/**
 * Props of {@link Timeline}.
 *
 * @example
 * ```tsx
 * const props: TimelineProps = { replay, scale: 'seq', speeds: [1, 10, 'instant'] };
 * ```
 */
export interface TimelineProps {
  /** The replay it drives (from `useReplay`, `useStreamData`'s `replay`, or `replay()`); disabled while undefined. */
  replay: Replay | undefined;
  /** What the scrubber moves by: recorded `'time'` (default) or message `'seq'`. */
  scale?: TimelineScale;
  /** The speeds offered (default 1, 2, 5, 10, 20, 50, 100 and `'instant'`). */
  speeds?: readonly ReplaySpeed[];
  /** Its accessible name (default `'Replay timeline'`). */
  title?: string;
  /** The frame loop (default: the page's); inject one in tests. */
  frameLoop?: FrameLoop;
  style?: CSSProperties;
}

const button: CSSProperties = { whiteSpace: 'nowrap' };
const SPEEDS: readonly ReplaySpeed[] = [1, 2, 5, 10, 20, 50, 100, 'instant'];
const bar: CSSProperties = { boxSizing: 'border-box', display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 6, font: '12px system-ui, sans-serif', color: '#1f2328', padding: 4, border: '1px solid #d0d7de', borderRadius: 6, background: '#fff' };

/**
 * A replay's controls: play/pause, step (one batch), a scrubber that seeks by recorded time or
 * by seq, a speed select (1x to 100x, instant), and where the replay is. Driven by the replay's
 * `state$`, rendered at most once a frame (never per batch). Accessible: labelled buttons, a
 * range input with `aria-valuetext`, the status in a polite live region. The scrubber spans what
 * the log holds, read at each render; after a seek it shows the sought place until the next
 * batch is shown. Controls are disabled once the replay is over. Data attributes for tests:
 * `data-status`, `data-phase`, `data-seq`, `data-render-count`.
 *
 * @example
 * ```tsx
 * const { viewId, replay } = useReplay({ kind: 'replay', log, speed: 10 });
 * return <>{viewId && <LineChart streamId={viewId} />}<Timeline replay={replay} /></>;
 * ```
 */
export function Timeline(props: TimelineProps) {
  const { replay } = props;
  const state = useReplayState(replay, { frameLoop: props.frameLoop });
  const renders = useRef(0);
  renders.current++;
  // After a seek the replay's position is stale until it shows a batch: show where it was sent.
  const [sought, setSought] = useState<{ replay: Replay; value: number; shown: number } | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const scale = props.scale ?? 'time';
  const over = state === undefined || (state.status !== 'playing' && state.status !== 'paused');
  const s = scrubberOf(replay?.log.bounds(), state, scale);
  const pending = sought !== undefined && sought.replay === replay && sought.shown === state?.shown ? sought.value : undefined;
  const speeds = props.speeds ?? SPEEDS;
  const speed = state?.speed ?? 1;
  const offered = speeds.includes(speed) ? speeds : [...speeds, speed];
  // A failed replay says why (its target stopped, the log could not be read).
  const failure = state?.status === 'failed' ? messageOf(state.error) : undefined;
  const act = (f: (r: Replay) => void) => () => {
    if (!replay) return;
    try {
      f(replay);
      setProblem(undefined);
    } catch (error) {
      setProblem(messageOf(error));
    }
  };
  const seek = (value: number) =>
    act((r) => {
      r.seek(scale === 'seq' ? { seq: value } : { at: value });
      setSought({ replay: r, value, shown: r.state().shown });
    })();
  const value = pending ?? s.value;
  return (
    <div role="group" aria-label={props.title ?? 'Replay timeline'} data-status={state?.status ?? 'none'} data-phase={state?.phase ?? ''} data-seq={state?.position?.seq ?? ''} data-render-count={renders.current} style={{ ...bar, ...props.style }}>
      <button type="button" style={button} aria-label={state?.status === 'playing' ? 'Pause' : 'Play'} disabled={over} onClick={act((r) => (r.state().status === 'playing' ? r.pause() : r.resume()))}>
        {state?.status === 'playing' ? '❚❚ Pause' : '▶ Play'}
      </button>
      <button type="button" style={button} aria-label="Step one batch" disabled={over} onClick={act((r) => void r.step().catch(() => {}))}>
        Step
      </button>
      <input
        type="range"
        aria-label={scale === 'seq' ? 'Position (message)' : 'Position (time)'}
        aria-valuetext={s.text(value)}
        min={s.min}
        max={s.max}
        step={s.step}
        value={value}
        disabled={over || s.empty}
        onChange={(e) => seek(s.clamp(Number(e.currentTarget.value)))}
        style={{ flex: 1, minWidth: 120 }}
      />
      <select aria-label="Speed" value={String(speed)} disabled={over} onChange={(e) => act((r) => r.setSpeed(e.currentTarget.value === 'instant' ? 'instant' : Number(e.currentTarget.value)))()}>
        {offered.map((v) => (
          <option key={String(v)} value={String(v)}>
            {speedLabel(v)}
          </option>
        ))}
      </select>
      <span aria-live="polite" style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
        {state ? `${state.status}${state.phase === 'live' ? ' (live)' : ''} · ${s.text(value)}` : 'no replay'}
      </span>
      {(problem ?? failure) !== undefined && <span role="alert" style={{ color: '#cf222e' }}>{problem ?? failure}</span>}
    </div>
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

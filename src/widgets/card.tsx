import type { CSSProperties, ReactNode, Ref } from 'react';
import type { EngineLike } from './engine-like.js';
import type { StreamMessage } from '../message.js';
import { useStreamData, type StreamDataOptions } from './use-stream-data.js';
import type { StreamData } from './stream-data.js';
import type { StreamSource } from './stream-source.js';
import { useVisible } from './visibility.js';
import { formatNumber } from './format.js';

/**
 * Props every streaming component takes: the stream id (see `useStreamData`) and its options.
 *
 * @example
 * ```tsx
 * const props: StreamWidgetProps = { streamId: 'chart', title: 'Sensor', updateInterval: 16, value: (m) => (m.data as { v: number }).v };
 * ```
 */
export interface StreamWidgetProps {
  /** The widget (or node) id whose stream this shows: `engine.createWidget(id)`'s id. */
  streamId: string;
  /** The card's heading. Default: `streamId`. */
  title?: string;
  /** The engine to read from. Default: the one from `<StreamEngineProvider>`. */
  engine?: EngineLike;
  /** How many recent messages the component keeps in its window. */
  bufferSize?: number;
  /** Least milliseconds between two renders (the shared frame loop paces every widget). Default 16. */
  updateInterval?: number;
  /** Hold the widget's next batch until this view has rendered the last one. Default false. */
  enableBackpressure?: boolean;
  /** The number a message shows (default: `data` if it is a number, else `data.value`). */
  value?: (m: StreamMessage) => number;
  /** Extra styles for the card, e.g. `gridColumn: 'span 2'` in a dashboard grid. */
  style?: CSSProperties;
  /** Live (default), a replay of a recorded log, or replay-then-live: see `useStreamData`'s `source`. */
  source?: StreamSource;
}

/**
 * The default `value`: `data` when it is a number, `data.value` when that is, else NaN.
 *
 * @example
 * ```ts
 * numericValue({ id: 1, timestamp: 0, sourceNodeId: 's', port: 'out', data: { value: 3 } }); // 3
 * ```
 */
export function numericValue(m: StreamMessage): number {
  const d = m.data as unknown;
  if (typeof d === 'number') return d;
  const v = (d as { value?: unknown } | null)?.value;
  return typeof v === 'number' ? v : Number.NaN;
}

/** useStreamData for a component: paused while its element is off screen or the page hidden. @internal */
export function useWidgetStream<E extends Element>(p: StreamWidgetProps, extra: StreamDataOptions = {}): [Ref<E>, StreamData] {
  const [ref, visible] = useVisible<E>();
  const stream = useStreamData(p.streamId, {
    engine: p.engine,
    bufferSize: p.bufferSize,
    updateInterval: p.updateInterval,
    enableBackpressure: p.enableBackpressure,
    paused: !visible,
    source: p.source,
    ...extra,
  });
  return [ref, stream];
}

const cardStyle: CSSProperties = {
  boxSizing: 'border-box',
  border: '1px solid #d0d7de',
  borderRadius: 6,
  padding: 8,
  background: '#fff',
  font: '12px system-ui, sans-serif',
  color: '#1f2328',
  minWidth: 120,
  // In a flex row a card keeps its content's size instead of clipping it; in a grid it fills its cell.
  flex: 'none',
  // A card's re-render never invalidates layout or paint outside it.
  contain: 'content',
};

/**
 * What the card's dot says: a widget holding its next batch for this UI (`backpressured`,
 * only with `enableBackpressure`) is connected but behind, which matters more than connected.
 *
 * @example
 * ```tsx
 * <span data-status={cardStatus(useStreamData('chart', { enableBackpressure: true }))} />
 * ```
 * @internal
 */
export function cardStatus(stream: StreamData): 'backpressured' | 'connected' | 'disconnected' {
  if (!stream.isConnected) return 'disconnected';
  return stream.metrics.backpressured ? 'backpressured' : 'connected';
}

const DOT: Record<ReturnType<typeof cardStatus>, { color: string; title: string }> = {
  connected: { color: '#1a7f37', title: 'Connected' },
  backpressured: { color: '#bf8700', title: 'Connected, backpressured: the widget holds its next batch until this view catches up' },
  disconnected: { color: '#cf222e', title: 'Disconnected' },
};

/**
 * The frame around a component: a title, a status dot, and data attributes the gallery's
 * play functions (and your tests) read: `data-message-count`, `data-render-count`,
 * `data-connected`, `data-status` (`connected`, `backpressured` or `disconnected`).
 *
 * @example
 * ```tsx
 * <WidgetCard title="Sensor" stream={stream} cardRef={ref}>{stream.data.length}</WidgetCard>
 * ```
 */
export function WidgetCard(props: { title: string; stream: StreamData; cardRef?: Ref<HTMLDivElement>; style?: CSSProperties; children?: ReactNode }) {
  const { stream } = props;
  const status = cardStatus(stream);
  return (
    <div
      ref={props.cardRef}
      role="figure"
      aria-label={props.title}
      data-message-count={stream.metrics.messageCount}
      data-render-count={stream.metrics.renderCount}
      data-connected={stream.isConnected}
      data-status={status}
      style={{ ...cardStyle, ...props.style }}
    >
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline', gap: 8, marginBottom: 6 }}>
        <strong style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{props.title}</strong>
        <span title={`${DOT[status].title}; ${stream.metrics.messageCount.toLocaleString('en-US')} messages`} style={{ color: DOT[status].color, whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
          ● {formatNumber(stream.metrics.messageCount, { maxChars: 7, digits: 0, grouping: true })}
        </span>
      </div>
      {props.children}
    </div>
  );
}

import type { CSSProperties, ReactNode, Ref } from 'react';
import type { StreamEngine } from '../actors/engine/stream-engine.js';
import type { StreamMessage } from '../message.js';
import { useStreamData, type StreamDataOptions } from './use-stream-data.js';
import type { StreamData } from './stream-data.js';
import { useVisible } from './visibility.js';

/**
 * Props every streaming component takes: the stream id (see `useStreamData`) and its options.
 *
 * @example
 * ```tsx
 * const props: StreamWidgetProps = { streamId: 'chart', title: 'Sensor', updateInterval: 16, value: (m) => (m.data as { v: number }).v };
 * ```
 */
export interface StreamWidgetProps {
  streamId: string;
  title?: string;
  engine?: StreamEngine;
  bufferSize?: number;
  updateInterval?: number;
  enableBackpressure?: boolean;
  /** The number a message shows (default: `data` if it is a number, else `data.value`). */
  value?: (m: StreamMessage) => number;
  style?: CSSProperties;
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
  // In a flex row a card keeps its content's size instead of clipping it.
  flex: 'none',
  // A card's re-render never invalidates layout or paint outside it.
  contain: 'content',
};

/**
 * The frame around a component: a title, a connection dot, and data attributes the gallery's
 * play functions (and your tests) read: `data-message-count`, `data-render-count`,
 * `data-connected`.
 *
 * @example
 * ```tsx
 * <WidgetCard title="Sensor" stream={stream} cardRef={ref}>{stream.data.length}</WidgetCard>
 * ```
 */
export function WidgetCard(props: { title: string; stream: StreamData; cardRef?: Ref<HTMLDivElement>; style?: CSSProperties; children?: ReactNode }) {
  const { stream } = props;
  return (
    <div
      ref={props.cardRef}
      role="figure"
      aria-label={props.title}
      data-message-count={stream.metrics.messageCount}
      data-render-count={stream.metrics.renderCount}
      data-connected={stream.isConnected}
      style={{ ...cardStyle, ...props.style }}
    >
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, marginBottom: 4 }}>
        <strong>{props.title}</strong>
        <span title={stream.isConnected ? 'Connected' : 'Disconnected'} style={{ color: stream.isConnected ? '#1a7f37' : '#cf222e' }}>
          ● {stream.metrics.messageCount.toLocaleString('en-US')}
        </span>
      </div>
      {props.children}
    </div>
  );
}

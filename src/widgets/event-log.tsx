import type { StreamMessage } from '../message.js';
import { useWidgetStream, WidgetCard, type StreamWidgetProps } from './card.js';

/**
 * Props of {@link EventLog}.
 *
 * @example
 * ```ts
 * const props: EventLogProps = { streamId: 'alerts', limit: 50, format: (m) => String(m.data) };
 * ```
 */
export interface EventLogProps extends StreamWidgetProps {
  /** How many of the newest messages the log shows (and keeps). Default 20. */
  limit?: number;
  /** A message's line after its time. Default: `#id` and the value (3 decimals) or the data as JSON, cut at 60 characters. */
  format?: (m: StreamMessage) => string;
  /** The list's height in px; rows past it are hidden. Default 160. */
  height?: number;
}

/**
 * A bounded event log: the newest `limit` messages (default 20), newest first. Older entries
 * are gone, not hidden: the DOM never holds more than `limit` rows.
 *
 * @example
 * ```tsx
 * <EventLog streamId="alerts" limit={50} format={(m) => String(m.data)} />
 * ```
 */
export function EventLog(props: EventLogProps) {
  const limit = props.limit ?? 20;
  const [ref, stream] = useWidgetStream<HTMLDivElement>({ ...props, bufferSize: limit });
  const format = props.format ?? defaultFormat;
  const rows: StreamMessage[] = [];
  for (let i = stream.data.length - 1; i >= 0; i--) rows.push(stream.data[i]!);
  return (
    <WidgetCard title={props.title ?? props.streamId} stream={stream} cardRef={ref} style={props.style}>
      <ol
        aria-label="events"
        style={{ listStyle: 'none', margin: 0, padding: 0, height: props.height ?? 160, overflow: 'hidden', fontFamily: 'ui-monospace, monospace', fontSize: 11 }}
      >
        {rows.map((m, i) => (
          // Rows are positions (newest first), not identities: index keys let React reuse them.
          <li key={i} style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
            <span style={{ color: '#57606a' }}>{new Date(m.timestamp).toISOString().slice(11, 23)}</span> {format(m)}
          </li>
        ))}
      </ol>
    </WidgetCard>
  );
}

function defaultFormat(m: StreamMessage): string {
  const d = m.data;
  const text = typeof d === 'number' ? d.toFixed(3) : JSON.stringify(d);
  return `#${String(m.id)} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

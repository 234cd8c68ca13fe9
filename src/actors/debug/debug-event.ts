import type { DropReason } from '../../message.js';
import type { Alert } from './alerts.js';

/**
 * Payload of each debug event type (`event.data`).
 *
 * @example
 * ```ts
 * const d: DebugEventData['drop'] = { reason: 'overflow', count: 12 };
 * ```
 */
export interface DebugEventData {
  'connection.created': { readonly sourceNodeId: string; readonly targetNodeId: string; readonly outputPort: string; readonly inputPort: string };
  'connection.removed': Record<string, never>;
  /** From XState inspection: an actor (engine, node, connection, widget) changed state. */
  'state.transition': { readonly actor: 'engine' | 'node' | 'connection' | 'widget'; readonly actorId: string; readonly from: string; readonly to: string; readonly event: string };
  /** Sampled: the batches and messages a connection delivered since its previous sample. */
  'batch.flushed': { readonly batches: number; readonly messages: number; readonly sinceMs: number };
  /** Sampled: drops since the previous sample, one event per reason. */
  'drop': { readonly reason: DropReason | 'refused'; readonly count: number; readonly sinceMs: number };
  'retry': { readonly attempt: number; readonly delay: number };
  'error': { readonly attempt: number; readonly error: string };
  'dead.letter': { readonly count: number };
  'circuit.change': { readonly from: string; readonly to: 'open' | 'halfOpen' | 'closed' };
  'handler.adjusted': { readonly knob: string; readonly from: number; readonly to: number; readonly reason: string };
  'alert': Alert;
}

/**
 * The type of a debug event.
 *
 * @example
 * ```ts
 * const t: DebugEventType = 'circuit.change';
 * ```
 */
export type DebugEventType = keyof DebugEventData;

/**
 * One debug event, as `debug$` emits it and the history keeps it. `seq` counts every event the
 * debugger ever produced, so gaps in an exported history show what the bound discarded.
 *
 * @example
 * ```ts
 * dbg.debug$.subscribe((e: DebugEvent) => console.log(`[${e.type}] ${e.connectionId}:`, e.data));
 * ```
 */
export type DebugEvent = {
  [K in DebugEventType]: {
    readonly seq: number;
    readonly at: number;
    readonly type: K;
    /** The connection concerned (null for node, widget and engine transitions). */
    readonly connectionId: string | null;
    readonly data: DebugEventData[K];
    /**
     * The process that recorded it, in a run across processes (`'local'` for the coordinator,
     * else the worker's name); absent from a one-process debugger's events.
     */
    readonly process?: string;
    /** Which life of that process (a replaced worker starts a new one); with `process`. */
    readonly incarnation?: string;
  };
}[DebugEventType];

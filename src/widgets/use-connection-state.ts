import { useCallback, useSyncExternalStore } from 'react';
import { useSelector } from '@xstate/react';
import type { AnyActorRef } from 'xstate';
import type { ConnectionState } from '../machines/connection.machine.js';
import { useStreamEngine } from './engine-context.js';
import type { EngineLike } from './engine-like.js';
import { topologyOf } from './topology.js';

/**
 * The state of a connection's machine, live: `'flowing'`, `'backpressured'`, `'retrying'`,
 * `'circuitOpen'`, `'halfOpen'`, `'closing'`, `'closed'`, `'failed'`, or `'unknown'` while no
 * such connection exists. `connectionId` is a connection id or an output port
 * (`'sensor:out'`). It reads the machine through @xstate/react's `useSelector`, so it renders
 * on state changes only (edges, never per message).
 *
 * @example
 * ```tsx
 * function Badge({ id }: { id: string }) {
 *   const state = useConnectionState(id);
 *   return <span data-state={state}>{state}</span>;
 * }
 * ```
 */
export function useConnectionState(connectionId: string, options: { engine?: EngineLike } = {}): ConnectionState | 'unknown' {
  const engine = useStreamEngine(options.engine);
  // The Connection itself is the snapshot: O(1) per topology change, a render only when the id
  // comes to name another connection (or none).
  const find = useCallback(() => engine.findConnection(connectionId), [engine, connectionId]);
  const connection = useSyncExternalStore(topologyOf(engine).subscribe, find, find);
  // useSelector only subscribes with an observer and reads getSnapshot, which ActorLike has.
  const value = useSelector(connection?.actor as Pick<AnyActorRef, 'subscribe' | 'getSnapshot'> | undefined, (s) => s?.value as ConnectionState | undefined);
  return connection ? (value ?? connection.currentState) : 'unknown';
}


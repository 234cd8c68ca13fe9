import { assign, setup, type ActorRefFrom, type StateValueFrom } from 'xstate';
import type { Dormancy } from './dormancy.js';

/**
 * What the connection machine may ask of its mailbox runtime. The machine decides *when*
 * (states, timers); the runtime does the work on plain data. Kept as an interface so the
 * machine can be driven by a stub in tests and drawn without a runtime.
 *
 * @example
 * ```ts
 * const port: ConnectionPort = { entered() {}, isPressured: () => false, redeliver() {}, allowProbes() {}, halfOpenTimeout: () => 5000, probeTimedOut() {} };
 * ```
 */
export interface ConnectionPort {
  /**
   * The machine entered `state` (a {@link ConnectionState}; typed as a string because that type
   * is derived from this machine). Called only by entry actions: it is how the runtime's one
   * mirror of the mode, read on the hot path, is set.
   */
  entered?(state: string): void;
  /** Is occupancy at or above the low watermark? Decides flowing vs backpressured on exit. */
  isPressured(): boolean;
  /** Attempts the held batch again (retry timer or half-open probe fired). */
  redeliver(): void;
  /** Half-open began: lets the configured number of probe batches through. */
  allowProbes(): void;
  /** How long half-open may last (ms), read when it is entered. */
  halfOpenTimeout(): number;
  /** Half-open outlived halfOpenTimeout before its probes succeeded. */
  probeTimedOut(): void;
}

/**
 * Control events only: each one is an edge (watermark crossed, delivery outcome, timer), never
 * a message. Source first, dot-namespaced.
 *
 * @example
 * ```ts
 * actor.send({ type: 'mailbox.pressure' } satisfies ConnectionEvent);
 * ```
 */
export type ConnectionEvent =
  | { type: 'mailbox.pressure' }
  | { type: 'mailbox.relief' }
  | { type: 'delivery.retry'; attempt: number; delay: number }
  | { type: 'delivery.recovered' }
  | { type: 'delivery.deadLettered' }
  | { type: 'breaker.open'; openFor: number }
  | { type: 'breaker.probeSucceeded' }
  | { type: 'breaker.close' }
  | { type: 'connection.close' }
  | { type: 'mailbox.drained' }
  | { type: 'connection.fail'; reason: string };

/**
 * Context: identity plus the data that belongs to the current state only (the retry attempt
 * exists while `retrying`, the open duration while `circuitOpen`).
 *
 * @example
 * ```ts
 * const { retry } = engine.getConnection(id).actor.getSnapshot().context; // set only while retrying
 * ```
 */
export interface ConnectionContext {
  readonly connectionId: string;
  readonly port: ConnectionPort;
  readonly retry: { readonly attempt: number; readonly delay: number } | null;
  readonly openFor: number | null;
  readonly failure: string | null;
}

/**
 * Input of the connection machine.
 *
 * @example
 * ```ts
 * createActor(connectionMachine, { input: { connectionId: 'c1', port } satisfies ConnectionInput });
 * ```
 */
export interface ConnectionInput {
  connectionId: string;
  port: ConnectionPort;
}

const connectionContext = (input: ConnectionInput): ConnectionContext => ({
  connectionId: input.connectionId,
  port: input.port,
  retry: null,
  openFor: null,
  failure: null,
});

/**
 * The connection's control plane. States: `flowing` and `backpressured` (occupancy with
 * hysteresis), `retrying` (a failed batch waits for its backoff; nothing behind it moves),
 * `circuitOpen` and `halfOpen` (the breaker), then `closing` → `closed`, or `failed`.
 * Messages never pass through here: the machine hears only edges from the mailbox runtime.
 *
 * @example
 * ```ts
 * const actor = createActor(connectionMachine, { input: { connectionId: 'c1', port } }).start();
 * actor.send({ type: 'mailbox.pressure' }); // → backpressured
 * ```
 */
export const connectionMachine = setup({
  types: {
    context: {} as ConnectionContext,
    events: {} as ConnectionEvent,
    input: {} as ConnectionInput,
  },
  actions: {
    recordRetry: assign({
      retry: ({ event }) => (event.type === 'delivery.retry' ? { attempt: event.attempt, delay: event.delay } : null),
    }),
    clearRetry: assign({ retry: null }),
    redeliver: ({ context }) => context.port.redeliver(),
    recordOpen: assign({ openFor: ({ event }) => (event.type === 'breaker.open' ? event.openFor : null) }),
    clearOpen: assign({ openFor: null }),
    allowProbes: ({ context }) => context.port.allowProbes(),
    probeTimedOut: ({ context }) => context.port.probeTimedOut(),
    recordFailure: assign({ failure: ({ event }) => (event.type === 'connection.fail' ? event.reason : null) }),
    report: ({ context }, params: { state: string }) => context.port.entered?.(params.state),
  },
  guards: {
    isPressured: ({ context }) => context.port.isPressured(),
  },
  delays: {
    retryDelay: ({ context }) => context.retry?.delay ?? 0,
    resetTimeout: ({ context }) => context.openFor ?? 0,
    halfOpenTimeout: ({ context }) => context.port.halfOpenTimeout(),
  },
}).createMachine({
  id: 'connection',
  context: ({ input }) => connectionContext(input),
  initial: 'flowing',
  on: {
    'connection.close': { target: '.closing' },
    'connection.fail': { target: '.failed', actions: 'recordFailure' },
    'breaker.open': { target: '.circuitOpen', actions: 'recordOpen' },
    'breaker.close': { target: '.settled' },
  },
  states: {
    flowing: {
      entry: { type: 'report', params: { state: 'flowing' } },
      on: {
        'mailbox.pressure': { target: 'backpressured' },
        'delivery.retry': { target: 'retrying', actions: 'recordRetry' },
      },
    },
    backpressured: {
      entry: { type: 'report', params: { state: 'backpressured' } },
      on: {
        'mailbox.relief': { target: 'flowing' },
        'delivery.retry': { target: 'retrying', actions: 'recordRetry' },
      },
    },
    retrying: {
      entry: { type: 'report', params: { state: 'retrying' } },
      after: { retryDelay: { actions: 'redeliver' } },
      exit: 'clearRetry',
      on: {
        'delivery.retry': { target: 'retrying', reenter: true, actions: 'recordRetry' },
        'delivery.recovered': { target: 'settled' },
        'delivery.deadLettered': { target: 'settled' },
      },
    },
    circuitOpen: {
      entry: ['clearRetry', { type: 'report', params: { state: 'circuitOpen' } }],
      after: { resetTimeout: { target: 'halfOpen' } },
      exit: 'clearOpen',
      // Already open: a repeated open (by hand, or a late verdict) changes nothing, so the reset
      // timer keeps its time and the open-time backoff does not advance.
      on: { 'breaker.open': {} },
    },
    halfOpen: {
      // The budget first: reporting halfOpen lets the runtime start its probes.
      entry: ['allowProbes', { type: 'report', params: { state: 'halfOpen' } }],
      // No stuck half-open: probes that do not all succeed in time count as a failed probe.
      after: { halfOpenTimeout: { actions: 'probeTimedOut' } },
      on: {
        'breaker.probeSucceeded': { target: 'settled' },
      },
    },
    // Transient: picks flowing or backpressured from the mailbox's current occupancy.
    settled: {
      always: [{ guard: 'isPressured', target: 'backpressured' }, { target: 'flowing' }],
    },
    closing: {
      entry: { type: 'report', params: { state: 'closing' } },
      // The runtime delivers what is buffered (close() pumps) and reports mailbox.drained.
      on: { 'mailbox.drained': { target: 'closed' }, 'breaker.open': {}, 'breaker.close': {}, 'connection.close': {} },
    },
    closed: { type: 'final', entry: { type: 'report', params: { state: 'closed' } } },
    failed: { type: 'final', entry: { type: 'report', params: { state: 'failed' } } },
  },
});

/**
 * A running connection machine.
 *
 * @example
 * ```ts
 * const ref: ConnectionActorRef = engine.getConnection(id).actor;
 * ref.subscribe((s) => console.log(s.value));
 * ```
 */
export type ConnectionActorRef = ActorRefFrom<typeof connectionMachine>;

/**
 * The state names a connection can be in (what status badges show), derived from the machine so
 * they cannot drift from it. `settled` is left out: it is transient (`always`), never a snapshot.
 *
 * @example
 * ```ts
 * const s: ConnectionState = 'backpressured';
 * ```
 */
export type ConnectionState = Exclude<StateValueFrom<typeof connectionMachine>, 'settled'>;

/**
 * What a connection actor does before it is started: the watermark edges and a clean close
 * (each entry reported to the port, as the machine's entry actions do). A retry, the breaker or
 * a failure starts it.
 *
 * @example
 * ```ts
 * connectionDormancy.on.flowing!['mailbox.pressure']; // 'backpressured'
 * ```
 * @internal
 */
export const connectionDormancy: Dormancy<ConnectionInput, ConnectionContext> = {
  initial: 'flowing',
  context: connectionContext,
  on: {
    flowing: { 'mailbox.pressure': 'backpressured', 'connection.close': 'closing' },
    backpressured: { 'mailbox.relief': 'flowing', 'connection.close': 'closing' },
    closing: { 'mailbox.drained': 'closed', 'connection.close': 'closing', 'breaker.open': 'closing', 'breaker.close': 'closing' },
  },
  final: ['closed', 'failed'],
};

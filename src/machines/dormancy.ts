/**
 * What an engine actor may do without XState (see `ActorSlot`): its machine's initial state,
 * the context its factory makes from the input, the transitions that are pure (no context
 * change, no timer, no action but the entry report), which a dormant actor takes by itself, and
 * the per-batch transitions whose only action hands the batch to the sink, which the runtime
 * applies by a plain call while nobody inspects the actor's kind. `test/machines/dormancy.test.ts` proves every edge against the machine with
 * XState's own `transition()`, so a table cannot drift from its machine.
 *
 * @example
 * ```ts
 * const d: Dormancy<{ id: string }, { id: string }> = {
 *   initial: 'idle', context: (input) => ({ id: input.id }), on: { idle: { go: 'done' } }, final: ['done'],
 * };
 * ```
 * @internal
 */
export interface Dormancy<I, C> {
  readonly initial: string;
  readonly context: (input: I) => C;
  /** `on[state][eventType]` is the state a dormant actor moves to. */
  readonly on: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * `direct[state][eventType]` is the state after an event whose only action is the sink's
   * `ingestBatch` (one per batch: the hot path). Applied by the runtime, not sent to XState.
   */
  readonly direct?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Final states: a dormant actor there is `done`. */
  readonly final: readonly string[];
}

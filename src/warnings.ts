/**
 * A development warning: something that works but is almost certainly a typo. Each names its
 * subject, so a `warnings` callback can branch on `code` and read the fields it needs.
 *
 * - `UNKNOWN_STREAM`: `useStreamData(streamId)` found no widget, connection or port by that id.
 * - `UNROUTED_EMIT`: a message was emitted on an output port that never had a connection.
 * - `PORT_MISMATCH`: a message's `port` differs from the output port it was emitted on (it is
 *   still delivered on the port it was emitted on).
 *
 * @example
 * ```ts
 * const engine = new StreamEngine({}, {
 *   warnings: (w: NodeflowWarning) => { if (w.code === 'UNROUTED_EMIT') console.log(w.nodeId, w.port, w.nearMisses); },
 * });
 * ```
 */
export type NodeflowWarning =
  | { readonly code: 'UNKNOWN_STREAM'; readonly message: string; readonly streamId: string; readonly nearMisses: readonly string[] }
  | { readonly code: 'UNROUTED_EMIT'; readonly message: string; readonly nodeId: string; readonly port: string; readonly nearMisses: readonly string[] }
  | { readonly code: 'PORT_MISMATCH'; readonly message: string; readonly nodeId: string; readonly port: string; readonly messagePort: string };

/**
 * The engine's `warnings` option: `true` prints each warning once with `console.warn`, `false`
 * silences them, a function receives them instead of the console. Default: on, unless
 * `process.env.NODE_ENV === 'production'`.
 *
 * @example
 * ```ts
 * const seen: NodeflowWarning[] = [];
 * new StreamEngine({}, { warnings: (w) => seen.push(w) });
 * ```
 */
export type WarningsOption = boolean | ((warning: NodeflowWarning) => void);

// Distinct warnings remembered per engine: ids are unbounded (a hook fed generated ids), the
// memory of what was said is not. Past it, nothing more is said.
const MAX_WARNINGS = 1000;

/**
 * One engine's warning channel: each cause (code + subject) is said once, the warning is built
 * only when it will be said, and a throwing callback never reaches the caller's emit.
 *
 * @example
 * ```ts
 * const w = new Warnings(undefined);
 * w.warn('UNROUTED_EMIT', 'a:out', () => ({ code: 'UNROUTED_EMIT', message: '...', nodeId: 'a', port: 'out', nearMisses: [] }));
 * ```
 * @internal
 */
export class Warnings {
  private readonly said = new Set<string>();
  private readonly sink: ((w: NodeflowWarning) => void) | undefined;

  constructor(option: WarningsOption | undefined) {
    const on = option ?? !isProduction();
    this.sink = on === false ? undefined : on === true ? print : on;
  }

  /** False when warnings are off: callers skip the work of building one. */
  get enabled(): boolean {
    return this.sink !== undefined && this.said.size < MAX_WARNINGS;
  }

  /** Says the warning `build()` makes, unless this code and subject were already said. */
  warn(code: NodeflowWarning['code'], subject: string, build: () => NodeflowWarning): void {
    if (!this.enabled) return;
    const key = `${code}\u0000${subject}`;
    if (this.said.has(key)) return;
    this.said.add(key);
    try {
      this.sink!(build());
    } catch (error) {
      // A warning is advice: a throwing callback must not fail the emit that caused it.
      console.error('[nodeflow] the warnings callback threw', error);
    }
  }
}

function print(w: NodeflowWarning): void {
  console.warn('[nodeflow] ' + w.message);
}

// Written out in full so bundlers replace `process.env.NODE_ENV` with its value (a check of
// `typeof process` first would read false in a bundled browser build); a browser without a
// bundler has no `process`: the ReferenceError means development.
function isProduction(): boolean {
  try {
    return process.env.NODE_ENV === 'production';
  } catch {
    return false;
  }
}

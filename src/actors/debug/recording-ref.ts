/**
 * Where a recording is kept, as plain data a debug export can carry: a file log's folder, a
 * JetStream stream and subject, or an in-process MemoryLog (which only the process that holds it
 * can replay).
 *
 * @example
 * ```ts
 * const store: RecordingStoreRef = { kind: 'file', dir: '/data/rec/chart' };
 * ```
 */
export type RecordingStoreRef =
  | { readonly kind: 'file'; readonly dir: string }
  | { readonly kind: 'jetstream'; readonly stream: string; readonly subject: string }
  | { readonly kind: 'memory' };

/**
 * A reference to a recording in a debug export (`exportDebugData({ recordings })`): what was
 * recorded (a connection id or a widget id), where, and what the store held at the export. With
 * the store at hand, `replayDebugData` (`@nodeflow/runtime/record`) replays what the dashboards
 * showed around an alert. Made by `Recording.ref()`.
 *
 * @example
 * ```ts
 * const data = dbg.exportDebugData({ recordings: [recording.ref()] });
 * console.log(data.recordings?.[0]?.store.kind); // 'file'
 * ```
 */
export interface RecordingRef {
  readonly source: string;
  readonly store: RecordingStoreRef;
  /** The first and last batch held when the reference was made, or `null` if nothing was. */
  readonly held: { readonly firstSeq: number; readonly firstAt: number; readonly lastSeq: number; readonly lastAt: number } | null;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** POSIX or Windows (drive or UNC); without node:path, since the debugger runs in browsers too. */
const isAbsolute = (dir: string): boolean => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(dir);

/**
 * Why `v` is not a list of recording references, or `undefined` when it is one.
 *
 * @example
 * ```ts
 * const why = recordingRefsProblem(data.recordings);
 * if (why) throw new Error(why);
 * ```
 * @internal
 */
export function recordingRefsProblem(v: unknown): string | undefined {
  if (!Array.isArray(v)) return 'recordings must be an array';
  for (const [i, r] of v.entries()) {
    const at = `recordings[${i}]`;
    if (r === null || typeof r !== 'object') return `${at} must be an object`;
    const { source, store, held } = r as Partial<RecordingRef>;
    if (typeof source !== 'string' || source === '') return `${at}.source must be a connection or widget id`;
    const s = store as Partial<Record<string, unknown>> | undefined;
    const storeOk =
      s !== null &&
      typeof s === 'object' &&
      ((s.kind === 'file' && typeof s.dir === 'string' && isAbsolute(s.dir)) ||
        (s.kind === 'jetstream' && typeof s.stream === 'string' && typeof s.subject === 'string') ||
        s.kind === 'memory');
    if (!storeOk) return `${at}.store must be { kind: 'file', dir (an absolute path) } | { kind: 'jetstream', stream, subject } | { kind: 'memory' }`;
    if (held !== null && !(typeof held === 'object' && isNum(held?.firstSeq) && isNum(held.firstAt) && isNum(held.lastSeq) && isNum(held.lastAt))) return `${at}.held must be null or { firstSeq, firstAt, lastSeq, lastAt }`;
  }
  return undefined;
}

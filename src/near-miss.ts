import { NodeflowError, describe, type NodeflowErrorCode } from './errors.js';

/**
 * Candidates looked at per search: an error on a 100k-connection engine stays cheap.
 *
 * @example
 * ```ts
 * nearMisses('x', hugeIdList); // reads MAX_SCANNED distinct ids at most
 * ```
 * @internal
 */
export const MAX_SCANNED = 2000;
// The distance is quadratic in length: longer ids are neither searched for nor suggested.
const MAX_LENGTH = 256;

/**
 * The known ids close to a mistyped one (edit distance at most 40% of the longer id, at least
 * 1), closest first, ties in the order given: what the caller probably meant. Runs on error
 * paths only and looks at the first {@link MAX_SCANNED} distinct candidates at most; safe on
 * any value (a non-string wanted id or candidate is skipped, never read).
 *
 * @example
 * ```ts
 * nearMisses('a:output', ['b:in', 'a:out', 'a:out->b:in']); // ['a:out']
 * ```
 * @internal
 */
export function nearMisses(wanted: unknown, candidates: Iterable<unknown>, count = 3): string[] {
  return scan(wanted, candidates, count).near;
}

// The close candidates, and the first few of any kind (for a message when none is close).
function scan(wanted: unknown, candidates: Iterable<unknown>, count: number): { near: string[]; sample: string[]; more: boolean } {
  const sample: string[] = [];
  if (typeof wanted !== 'string' || wanted.length > MAX_LENGTH) return { near: [], sample, more: false };
  const best: { id: string; d: number }[] = [];
  const seen = new Set<string>();
  let reads = 0;
  for (const id of candidates) {
    // Distinct ids are capped, and so are reads (a port fanning out to 100k connections
    // yields its own name 100k times).
    if (seen.size >= MAX_SCANNED || ++reads > 4 * MAX_SCANNED) break;
    if (typeof id !== 'string' || id.length > MAX_LENGTH || seen.has(id)) continue;
    seen.add(id);
    if (sample.length < count) sample.push(id);
    const limit = Math.max(1, Math.floor(Math.max(id.length, wanted.length) * 0.4));
    const worst = Math.min(limit + 1, best.length === count ? best[count - 1]!.d : Infinity);
    // The distance is at least the difference in length: most candidates stop here.
    if (Math.abs(id.length - wanted.length) >= worst) continue;
    const d = distance(wanted, id);
    if (d >= worst) continue;
    let i = best.length;
    while (i > 0 && best[i - 1]!.d > d) i--;
    best.splice(i, 0, { id, d });
    if (best.length > count) best.pop();
  }
  return { near: best.map((b) => b.id), sample, more: seen.size > sample.length };
}

/**
 * `did you mean "a", "b"?` for the closest candidates, or `undefined` when there is none.
 *
 * @example
 * ```ts
 * didYouMean('chrt', ['chart', 'gauge']); // 'did you mean "chart", "gauge"?'
 * ```
 * @internal
 */
export function didYouMean(wanted: unknown, candidates: Iterable<unknown>): string | undefined {
  const near = nearMisses(wanted, candidates);
  return near.length === 0 ? undefined : `did you mean ${near.map(describe).join(', ')}?`;
}

/**
 * `No connection "x" (did you mean "a", "b"?)`; with nothing close, a few of the known ids
 * (`none is close; known: "a", "b", ...`), or `there are no connections`.
 *
 * @example
 * ```ts
 * unknownMessage('connection', 'a:output', ['a:out']); // 'No connection "a:output" (did you mean "a:out"?)'
 * ```
 * @internal
 */
export function unknownMessage(what: string, wanted: unknown, candidates: Iterable<unknown>): string {
  return `No ${what} ${describe(wanted)} (${suggest(what, wanted, candidates).hint})`;
}

/**
 * The error for an id that names nothing: `No widget "x" (did you mean "y"?)`, with the near
 * misses also in `details.nearMisses` for code that reads them.
 *
 * @example
 * ```ts
 * throw unknownIdError('UNKNOWN_WIDGET', 'widget', 'chrt', ['chart'], { id: 'chrt' });
 * ```
 * @internal
 */
export function unknownIdError(code: NodeflowErrorCode, what: string, wanted: unknown, candidates: Iterable<unknown>, details: Record<string, unknown>): NodeflowError {
  const { near, hint } = suggest(what, wanted, candidates);
  return new NodeflowError(code, `No ${what} ${describe(wanted)} (${hint})`, { ...details, nearMisses: near });
}

/**
 * The near misses of `wanted` and the hint that names them: `did you mean "a"?`, or with none
 * close a few known ids, or `there are no <what>s`.
 *
 * @example
 * ```ts
 * suggest('widget', 'nope', ['chart']).hint; // 'none is close; known: "chart"'
 * ```
 * @internal
 */
export function suggest(what: string, wanted: unknown, candidates: Iterable<unknown>): { near: string[]; hint: string } {
  if (typeof wanted === 'string' && wanted.length > MAX_LENGTH) return { near: [], hint: 'no suggestions for an id this long' };
  const { near, sample, more } = scan(wanted, candidates, 3);
  if (near.length > 0) return { near, hint: `did you mean ${near.map(describe).join(', ')}?` };
  if (sample.length > 0) return { near, hint: `none is close; known: ${sample.map(describe).join(', ')}${more ? ', ...' : ''}` };
  return { near, hint: `there are no ${what}s` };
}

// Levenshtein distance with one row of memory.
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

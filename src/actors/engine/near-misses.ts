import { describe } from '../../errors.js';

/**
 * The known ids closest to a mistyped one (edit distance, ties in the order given), for error
 * messages that name what the caller probably meant instead of a count. Runs on the error path
 * only: O(candidates × length²).
 *
 * @example
 * ```ts
 * nearMisses('a:output', ['b:in', 'a:out', 'a:out->b:in']); // ['a:out', 'a:out->b:in', 'b:in']
 * ```
 * @internal
 */
export function nearMisses(wanted: string, candidates: Iterable<string>, count = 3): string[] {
  const best: { id: string; d: number }[] = [];
  const seen = new Set<string>();
  for (const id of candidates) {
    if (seen.has(id)) continue;
    seen.add(id);
    const d = distance(wanted, id);
    if (best.length === count && d >= best[count - 1]!.d) continue;
    let i = best.length;
    while (i > 0 && best[i - 1]!.d > d) i--;
    best.splice(i, 0, { id, d });
    if (best.length > count) best.pop();
  }
  return best.map((b) => b.id);
}

/**
 * `No connection "x" (did you mean "a", "b"?)`, or `(there are none)`.
 *
 * @example
 * ```ts
 * unknownMessage('connection', 'a:output', ['a:out']); // 'No connection "a:output" (did you mean "a:out"?)'
 * ```
 * @internal
 */
export function unknownMessage(what: string, wanted: string, candidates: Iterable<string>): string {
  // The distance is quadratic in length: a huge id gets no suggestions rather than a stall.
  const near = wanted.length > 256 ? [] : nearMisses(wanted, candidates);
  const hint = near.length === 0 ? `there are no ${what}s` : `did you mean ${near.map((n) => JSON.stringify(n)).join(', ')}?`;
  return `No ${what} ${describe(wanted)} (${hint})`;
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

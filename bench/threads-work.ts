// What bench/threads.ts runs on its workers (imported there by module specifier).

/** 10 µs of CPU per message, returned unchanged: the "heavy node". */
export function spin10(values: unknown[]): unknown[] {
  for (let i = 0; i < values.length; i++) {
    const end = performance.now() + 0.01;
    while (performance.now() < end);
  }
  return values;
}

/** Nothing per message: the round trip's own cost. */
export function echo(values: unknown[]): unknown[] {
  return values;
}

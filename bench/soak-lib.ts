/** One 10-second window of the soak's steady phase. */
export interface SoakSample {
  phase: 'steady';
  /** Seconds since the phase began. */
  t: number;
  heapMB: number;
  rssMB: number;
  deliveredPerSec: number;
  p99Ms: number;
  /** accepted = delivered + dropped + dead-lettered + in flight on every connection. */
  conserved: boolean;
}

/** Heap in MB after a full GC (run-ts starts node with --expose-gc), so growth means retention. */
export function heapAfterGcMB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1e6;
}


/** Mixed priorities: 35% low, 35% normal, 25% high, 5% critical (so critical alone stays under capacity at 10x). */
export const PRIORITY_MIX = ['low', 'low', 'low', 'low', 'normal', 'normal', 'normal', 'normal', 'high', 'high', 'high', 'low', 'normal', 'high', 'normal', 'low', 'normal', 'low', 'critical', 'high'] as const;

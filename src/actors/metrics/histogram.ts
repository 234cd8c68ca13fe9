// One scratch double, viewed as two 32-bit words, to read a value's exponent and mantissa.
const BITS_F64 = new Float64Array(1);
const BITS_U32 = new Uint32Array(BITS_F64.buffer);
/** Which word holds the sign, exponent and top of the mantissa (1 on little-endian machines). */
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * A latency histogram with log-linear buckets (HdrHistogram's layout): O(1) record, fixed
 * memory (32 KB, allocated at the first record: every connection has three, and most of a large
 * topology's never record), percentiles within 1/64 (1.6%) relative error, from 1 µs to ~days.
 * Values are milliseconds.
 *
 * @example
 * ```ts
 * const h = new LatencyHistogram();
 * h.record(12.5);
 * h.percentile(99); // ≈ 12.5
 * ```
 */
export class LatencyHistogram {
  private static readonly SUB = 64; // buckets per power of two
  private static readonly BUCKETS = 64 * LatencyHistogram.SUB;
  /** Shared by every empty histogram, never written: an idle one costs no bucket array. */
  private static readonly EMPTY = new Float64Array(LatencyHistogram.BUCKETS);
  private counts = LatencyHistogram.EMPTY;
  private total = 0;
  private sum = 0;
  private maxValue = 0;
  private minValue = Infinity;

  /** Adds one value in ms (negative values count as 0). */
  record(ms: number): void {
    this.recordN(ms, 1);
  }

  /** Adds `n` occurrences of one value: O(1), whatever `n` is. */
  recordN(ms: number, n: number): void {
    if (n <= 0) return;
    const v = ms > 0 ? ms : 0;
    if (this.counts === LatencyHistogram.EMPTY) this.counts = new Float64Array(LatencyHistogram.BUCKETS);
    this.counts[LatencyHistogram.index(v)]! += n;
    this.total += n;
    this.sum += v * n;
    if (v > this.maxValue) this.maxValue = v;
    if (v < this.minValue) this.minValue = v;
  }

  get count(): number {
    return this.total;
  }

  get mean(): number {
    return this.total === 0 ? 0 : this.sum / this.total;
  }

  get max(): number {
    return this.maxValue;
  }

  get min(): number {
    return this.total === 0 ? 0 : this.minValue;
  }

  /** The value at percentile `p` (0..100): the upper edge of its bucket, capped at the max seen. */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.maxValue, LatencyHistogram.upper(i));
    }
    return this.maxValue;
  }

  /**
   * Percentile `p` over several histograms as if they were one (counts summed bucket by bucket),
   * for a sliding window made of a current and a previous period.
   */
  static percentileOf(hs: readonly LatencyHistogram[], p: number): number {
    const total = hs.reduce((n, h) => n + h.total, 0);
    const max = hs.reduce((m, h) => Math.max(m, h.total > 0 ? h.maxValue : 0), 0);
    if (total === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * total));
    let seen = 0;
    const n = LatencyHistogram.BUCKETS;
    for (let i = 0; i < n; i++) {
      for (const h of hs) seen += h.counts[i]!;
      if (seen >= rank) return Math.min(max, LatencyHistogram.upper(i));
    }
    return max;
  }

  reset(): void {
    if (this.counts !== LatencyHistogram.EMPTY) this.counts.fill(0);
    this.total = 0;
    this.sum = 0;
    this.maxValue = 0;
    this.minValue = Infinity;
  }

  private static index(ms: number): number {
    const us = ms * 1000;
    if (!(us >= 1)) return 0; // NaN too
    // floor(log2(us)) is the double's exponent and the sub-bucket its top 6 mantissa bits: read
    // from the bits, exact for every value, where Math.log2 and 2 ** e cost ~100 ns a value.
    BITS_F64[0] = us;
    const hi = BITS_U32[HIGH_WORD]!;
    const e = (hi >>> 20) - 1023;
    return Math.min(LatencyHistogram.BUCKETS - 1, 1 + e * LatencyHistogram.SUB + ((hi >>> 14) & 63));
  }

  private static upper(i: number): number {
    if (i === 0) return 0.001;
    const e = Math.floor((i - 1) / LatencyHistogram.SUB);
    const m = (i - 1) % LatencyHistogram.SUB;
    return (2 ** e * (1 + (m + 1) / LatencyHistogram.SUB)) / 1000;
  }
}

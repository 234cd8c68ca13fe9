/**
 * How {@link formatNumber} fits a number into a widget.
 *
 * @example
 * ```ts
 * const gauge: NumberFormatOptions = { maxChars: 5 };
 * const tile: NumberFormatOptions = { maxChars: 8, digits: 1, grouping: true };
 * ```
 */
export interface NumberFormatOptions {
  /** The most characters the text may take (sign, separators and suffix included). Default 6. */
  readonly maxChars?: number;
  /**
   * Decimals to show when they fit. Default: by magnitude, about three significant digits
   * (`71.9`, `4.27`, `140`).
   */
  readonly digits?: number;
  /** Thousands separators (`181,245`) when the plain number fits. Default false. */
  readonly grouping?: boolean;
}

// Compact suffixes, one per power of 1000; past T the exponent form is shorter.
const SUFFIX = ['', 'k', 'M', 'G', 'T'] as const;

// About three significant digits: 140 / 71.9 / 4.27 / 0.42.
const autoDigits = (abs: number) => (abs >= 100 ? 0 : abs >= 10 ? 1 : 2);

// toLocaleString with options builds an Intl.NumberFormat per call (tens of µs): a dashboard
// formats dozens of numbers a frame, so keep one formatter per digit count.
const grouped: Intl.NumberFormat[] = [];
const groupedFormat = (digits: number) => (grouped[digits] ??= new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));

function fixed(v: number, digits: number, grouping: boolean): string {
  const s = grouping ? groupedFormat(digits).format(v) : v.toFixed(digits);
  // -0.001 rounds to "-0.00": a sign on zero reads as a real negative.
  return /^-[0.,]*$/.test(s) ? s.slice(1) : s;
}

function compact(v: number): string {
  let tier = Math.min(SUFFIX.length - 1, Math.floor(Math.log10(Math.abs(v)) / 3));
  let scaled = v / 1000 ** tier;
  let text = scaled.toFixed(Math.abs(scaled) >= 10 ? 0 : 1);
  // 999.6k rounds to "1000k": that is 1.0M.
  if (Math.abs(Number(text)) >= 1000 && tier < SUFFIX.length - 1) {
    tier += 1;
    scaled = v / 1000 ** tier;
    text = scaled.toFixed(1);
  }
  return `${text.replace(/\.0$/, '')}${SUFFIX[tier]}`;
}

/**
 * A number as text that fits `maxChars`: fixed decimals when they fit, fewer decimals when
 * not, then compact notation (`140k`, `1.4M`, `2.1G`), then exponent form. Never cut: a widget
 * with a wider number than its slot would spill past its arc or its column. NaN and infinities
 * are `–`, a dash, as widgets show before any data arrives.
 *
 * @example
 * ```ts
 * formatNumber(140287.004, { maxChars: 5 }); // '140k'
 * formatNumber(1_402_870, { maxChars: 5 }); // '1.4M'
 * formatNumber(-77.564); // '-77.6'
 * formatNumber(181245, { maxChars: 8, digits: 1, grouping: true }); // '181,245'
 * ```
 */
export function formatNumber(v: number, options: NumberFormatOptions = {}): string {
  if (!Number.isFinite(v)) return '–';
  const maxChars = options.maxChars ?? 6;
  const grouping = options.grouping ?? false;
  const abs = Math.abs(v);
  // A plain zero needs no decimals to be exact (an axis end, an empty count).
  if (abs === 0 && options.digits === undefined) return '0';
  // Non-zero values too small for the decimals on offer would read as 0.
  if (abs > 0 && abs < 0.01 && options.digits === undefined) {
    const e = exponent(v, maxChars);
    return e.length <= maxChars ? e : '0';
  }
  for (let d = options.digits ?? autoDigits(abs); d >= 0; d--) {
    const s = fixed(v, d, grouping);
    if (s.length <= maxChars) return s;
  }
  if (abs >= 1000) {
    const s = compact(v);
    if (s.length <= maxChars) return s;
  }
  return exponent(v, maxChars);
}

// The exponent form with as many decimals as fit; with none it may still be too long (1e+100).
function exponent(v: number, maxChars: number): string {
  for (let d = 2; d > 0; d--) {
    const s = v.toExponential(d);
    if (s.length <= maxChars) return s;
  }
  return v.toExponential(0);
}

/**
 * Decimals that tell apart numbers spread over `span` (an axis's range) at about three
 * significant digits: 0 for a span of 100 or more, 1 from 10, 2 below. Pass it as `digits` so
 * every label of one axis has the same decimals and a value near zero reads `0`, not `6e-3`.
 *
 * @example
 * ```ts
 * const digits = spanDigits(max - min); // 199.9 -> 0
 * [min, (min + max) / 2, max].map((v) => formatNumber(v, { digits })); // ['-100', '0', '100']
 * ```
 */
export function spanDigits(span: number): number {
  const abs = Math.abs(span);
  return !Number.isFinite(abs) || abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
}

/**
 * The spec's data patterns as pure, seedable value generators: value i of a stream with the
 * pattern's parameters. Shared by the workflow sources (and the performance suite to come).
 */

/**
 * Pattern names.
 *
 * @example
 * ```ts
 * const p: DataPattern = 'sine-wave';
 * ```
 */
export type DataPattern = 'sequential' | 'random' | 'sine-wave' | 'step';

/**
 * Pattern parameters; all optional.
 *
 * @example
 * ```ts
 * const o: PatternOptions = { amplitude: 2, period: 500, noise: 0.1, seed: 7 };
 * ```
 */
export interface PatternOptions {
  /** Start (sequential), or the centre (others). Default 0. */
  offset?: number;
  /** Increment per message (sequential). Default 1. */
  step?: number;
  /** Half the peak-to-peak range (random, sine-wave, step). Default 1. */
  amplitude?: number;
  /** Messages per cycle (sine-wave) or per level (step). Default 100. */
  period?: number;
  /** Uniform noise added, as a fraction of amplitude. Default 0. */
  noise?: number;
  /** Seed of the random source (random, noise). Default 1. */
  seed?: number;
}

/**
 * mulberry32: a small, fast, seedable PRNG; the same seed gives the same sequence everywhere.
 *
 * @example
 * ```ts
 * const next = seededRandom(42);
 * next(); // in [0, 1)
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A generator of the pattern's values: call it with the message index 0, 1, 2, ...
 *
 * @example
 * ```ts
 * const wave = patternGenerator('sine-wave', { amplitude: 1, period: 4 });
 * [0, 1, 2, 3].map(wave); // [0, 1, ~0, -1]
 * ```
 */
export function patternGenerator(pattern: DataPattern, o: PatternOptions = {}): (i: number) => number {
  const offset = o.offset ?? 0;
  const amplitude = o.amplitude ?? 1;
  const period = o.period ?? 100;
  const rnd = seededRandom(o.seed ?? 1);
  const noise = o.noise ?? 0;
  const jitter = () => (noise === 0 ? 0 : (rnd() * 2 - 1) * noise * amplitude);
  switch (pattern) {
    case 'sequential': {
      const step = o.step ?? 1;
      return (i) => offset + i * step;
    }
    case 'random':
      return () => offset + (rnd() * 2 - 1) * amplitude;
    case 'sine-wave':
      return (i) => offset + amplitude * Math.sin((2 * Math.PI * i) / period) + jitter();
    case 'step':
      return (i) => offset + (Math.floor(i / period) % 2 === 0 ? -amplitude : amplitude) + jitter();
  }
}

/**
 * Every pattern name.
 *
 * @example
 * ```ts
 * DATA_PATTERNS.includes('step'); // true
 * ```
 */
export const DATA_PATTERNS: readonly DataPattern[] = Object.freeze(['sequential', 'random', 'sine-wave', 'step']);

import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_STREAM_CONFIG,
  HIGH_FREQUENCY_CONFIG,
  LOW_LATENCY_CONFIG,
  MEMORY_CONSTRAINED_CONFIG,
  STREAM_PRESETS,
  StreamEngine,
  NodeflowError,
  validateStreamConfig,
  type StreamConfig,
} from '../src/index.js';

describe('StreamConfig', () => {
  it('has the spec defaults', () => {
    expect(DEFAULT_STREAM_CONFIG).toMatchObject({
      bufferSize: 1000,
      batchTimeout: 16,
      maxBatchSize: 50,
      backpressureThreshold: 0.8,
      retryAttempts: 3,
      retryDelay: 100,
    });
    expect(new StreamEngine().config).toEqual(DEFAULT_STREAM_CONFIG);
  });

  it.each([
    ['bufferSize', -1],
    ['bufferSize', 0],
    ['bufferSize', 1.5],
    ['bufferSize', Number.NaN],
    ['batchTimeout', -1],
    ['batchTimeout', Number.POSITIVE_INFINITY],
    ['maxBatchSize', 0],
    ['maxBatchSize', 1001],
    ['maxBatchSize', 2.5],
    ['backpressureThreshold', 0],
    ['backpressureThreshold', 1.01],
    ['backpressureThreshold', Number.NaN],
    ['lowWatermark', 0.8],
    ['lowWatermark', 1],
    ['lowWatermark', -0.1],
    ['retryAttempts', -1],
    ['retryAttempts', 2.5],
    ['retryDelay', -5],
    ['retryDelay', Number.NaN],
  ] as const)('rejects %s = %s with a ConfigError naming the field and range', (field, value) => {
    let caught: unknown;
    try {
      validateStreamConfig({ [field]: value });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const err = caught as ConfigError;
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.field).toBe(field);
    expect(err.message).toContain(field);
    expect(err.message).toContain(err.allowed);
  });

  it('rejects non-numbers and unknown fields (a typo never falls back silently)', () => {
    expect(() => validateStreamConfig({ bufferSize: '10' as unknown as number })).toThrow(/bufferSize/);
    expect(() => validateStreamConfig({ buffersize: 10 } as never)).toThrow(/buffersize/);
    expect(() => new StreamEngine({ maxBatchSize: 2000 })).toThrow(ConfigError);
    expect(() => validateStreamConfig({ overflowStrategy: 'dropOldest' as never })).toThrow(/overflowStrategy/);
  });

  it('an inherited maxBatchSize shrinks to a smaller bufferSize; an explicit one is checked', () => {
    expect(validateStreamConfig({ bufferSize: 10 }).maxBatchSize).toBe(10);
    expect(() => validateStreamConfig({ bufferSize: 10, maxBatchSize: 11 })).toThrow(/maxBatchSize/);
  });

  it('an inherited low watermark follows a lowered threshold; an explicit bad one is refused', () => {
    expect(validateStreamConfig({ backpressureThreshold: 0.4 }).lowWatermark).toBe(0.2);
    expect(validateStreamConfig({ backpressureThreshold: 0.9 }).lowWatermark).toBe(0.5);
    expect(() => validateStreamConfig({ backpressureThreshold: 0.4, lowWatermark: 0.5 })).toThrow(/lowWatermark/);
  });

  it('accepts the boundaries of each range', () => {
    expect(validateStreamConfig({ bufferSize: 1, maxBatchSize: 1, backpressureThreshold: 1, batchTimeout: 0, retryAttempts: 0, retryDelay: 0, lowWatermark: 0 })).toMatchObject({ bufferSize: 1 });
  });

  it('exports the three spec presets by name, each valid', () => {
    expect(STREAM_PRESETS['high-frequency']).toBe(HIGH_FREQUENCY_CONFIG);
    expect(STREAM_PRESETS['low-latency']).toBe(LOW_LATENCY_CONFIG);
    expect(STREAM_PRESETS['memory-constrained']).toBe(MEMORY_CONSTRAINED_CONFIG);
    expect(HIGH_FREQUENCY_CONFIG).toEqual({ bufferSize: 2000, batchTimeout: 8, maxBatchSize: 100, backpressureThreshold: 0.7 });
    expect(LOW_LATENCY_CONFIG).toEqual({ bufferSize: 500, batchTimeout: 4, maxBatchSize: 20, backpressureThreshold: 0.9 });
    expect(MEMORY_CONSTRAINED_CONFIG).toEqual({ bufferSize: 200, batchTimeout: 50, maxBatchSize: 10, backpressureThreshold: 0.6 });
    for (const preset of Object.values(STREAM_PRESETS)) expect(() => validateStreamConfig(preset)).not.toThrow();
  });

  it('per-connection config overrides the engine config and is validated against it', () => {
    const engine = new StreamEngine({ bufferSize: 100, maxBatchSize: 10 });
    const id = engine.createConnection('a', 'b', 'out', 'in', { batchTimeout: 4 });
    expect(engine.getConnection(id).config).toMatchObject({ bufferSize: 100, maxBatchSize: 10, batchTimeout: 4 });
    expect(() => engine.createConnection('a', 'c', 'out', 'in', { maxBatchSize: 101 })).toThrow(/maxBatchSize/);
    engine.dispose();
  });
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('limits a timer or an array can honour', () => {
  it('refuses durations a timer would clamp to 1 ms (2^31 ms and more)', () => {
    for (const field of ['batchTimeout', 'retryDelay'] as const) {
      expect(validateStreamConfig({ [field]: 2 ** 31 - 1 })[field]).toBe(2 ** 31 - 1);
      const e = thrown(() => validateStreamConfig({ [field]: 2 ** 31 }));
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).field).toBe(field);
      expect((e as ConfigError).allowed).toContain('2147483647');
    }
  });

  it('refuses keys named after Object.prototype members, and absurd sizes', () => {
    for (const key of ['toString', 'constructor', 'hasOwnProperty', '__proto__']) {
      const overrides = JSON.parse(`{"${key}": 1}`) as Partial<StreamConfig>;
      expect(() => validateStreamConfig(overrides), key).toThrow(ConfigError);
    }
    expect(() => validateStreamConfig({ bufferSize: 2 ** 25 })).toThrow(/bufferSize/);
    expect(() => validateStreamConfig({ retryAttempts: 1e9 })).toThrow(/retryAttempts/);
  });

  it('names itself: ConfigError.name is "ConfigError", NodeflowError.name "NodeflowError"', () => {
    const e = thrown(() => validateStreamConfig({ bufferSize: 0 }));
    expect((e as Error).name).toBe('ConfigError');
    expect(e).toBeInstanceOf(NodeflowError);
    expect(new NodeflowError('BUFFER_FULL', 'x').name).toBe('NodeflowError');
  });
});

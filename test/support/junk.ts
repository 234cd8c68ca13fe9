import fc from 'fast-check';

/** An object whose every property read throws: a hostile option bag or message. */
function throwingGetters(): object {
  return new Proxy(
    {},
    {
      get() {
        throw new Error('hostile getter');
      },
      ownKeys() {
        return ['bufferSize', 'id'];
      },
      getOwnPropertyDescriptor() {
        return { configurable: true, enumerable: true, get: () => 1 };
      },
    },
  );
}

function cyclic(): object {
  const o: Record<string, unknown> = { id: 'x' };
  o.self = o;
  o.nested = { back: o };
  return o;
}

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/**
 * A hostile value made only when the test unwraps it: fast-check itself reads the values it
 * generates (to clone and print them), and a revoked or throwing proxy would break it there.
 */
class Hostile {
  constructor(
    readonly kind: string,
    readonly make: () => unknown,
  ) {}
  toString(): string {
    return `<${this.kind}>`;
  }
}

/** Replaces each hostile placeholder with the value it stands for (fresh each time). */
export function unwrap(values: readonly unknown[]): unknown[] {
  return values.map((v) => (v instanceof Hostile ? v.make() : isRecord(v) ? unwrapFields(v) : v));
}

// A generated record (a message) may hold placeholders in its fields: made there too.
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype && Object.values(v).some((x) => x instanceof Hostile);
}

function unwrapFields(v: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x instanceof Hostile ? x.make() : x]));
}

const hostile = (kind: string, make: () => unknown) => fc.constant(new Hostile(kind, make));

const HOSTILE_MAKERS: ReadonlyArray<readonly [string, () => unknown]> = [
  ['cyclic object', cyclic],
  ['throwing getters', throwingGetters],
  ['revoked proxy', revokedProxy],
  ['null-prototype object', () => Object.create(null) as object],
  ['symbol', () => Symbol('s')],
  ['throwing function', () => () => {
    throw new Error('hostile callback');
  }],
];

/** Option, definition and message keys of the public API: where a nested hostile value goes. */
const KEYS = [
  'clock', 'inspect', 'metrics', 'warnings', 'process', 'autoStart', 'bufferSize', 'timeout', 'kinds',
  'dropThreshold', 'priorityDrop', 'maxWaitTime', 'adjustmentInterval', 'law', 'probe',
  'retryAttempts', 'retryDelay', 'random', 'isRetryable', 'deliveryTimeout', 'circuitBreaker', 'breaker',
  'retryDelayFor', 'bind', 'historySize', 'sampleIntervalMs', 'inspection', 'alerts', 'defaultRules', 'rules',
  'streamEngine', 'config', 'engineOptions', 'id', 'nodes', 'edges', 'type', 'create', 'inputs', 'outputs',
  'validateConfig', 'widget', 'measure', 'severity', 'threshold', 'description', 'data', 'priority', 'key',
  'maxBatchSize', 'batchTimeout', 'conflateKey', 'overflowStrategy', 'format', 'version', 'history',
  // Keys one level further in: breaker, law, alert, rule, node-type and pattern options.
  'failureRate', 'resetTimeout', 'min', 'max', 'burst', 'shed', 'clearBelow', 'forMs', 'cooldownMs',
  'errorRecovery', 'maxRetryDelay', 'jitter', 'schema', 'spec', 'dataPattern', 'messageRate', 'seed',
];

/**
 * Plain objects holding one hostile value under a path of one to three API keys, optionally in
 * an array at the end: `{ circuitBreaker: { resetTimeout: <revoked proxy> } }`, so a check that
 * reads only the top level of an option bag is caught.
 */
const nested = fc.tuple(fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 3 }), fc.constantFrom(...HOSTILE_MAKERS), fc.boolean()).map(
  ([path, [kind, make], inArray]) =>
    new Hostile(`${path.map((k) => `{ ${k}: `).join('')}${inArray ? `[${kind}]` : kind}${' }'.repeat(path.length)}`, () =>
      path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), inArray ? [make()] : make()),
    ),
);

/**
 * Junk for fuzzing public entries (pass the drawn values through {@link unwrap}): everything fast-check's `anything()` gives, plus the values
 * that break naive formatting and validation — BigInt, symbols, cycles, proxies (throwing,
 * revoked), null-prototype objects, objects named after Object.prototype members, throwing
 * getters, functions, and numbers at the edges of what timers and arrays take.
 */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  fc.anything({ withBigInt: true, withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true }),
  fc.bigInt(),
  fc.constantFrom<unknown>(NaN, Infinity, -Infinity, -0, 2 ** 31, 2 ** 32, 2 ** 53, -1, 0.5, '', ' ', 'toString', '__proto__', 'constructor', null, undefined, true),
  fc.string().map((s) => Symbol(s)),
  hostile('cyclic object', cyclic),
  hostile('throwing getters', throwingGetters),
  hostile('revoked proxy', revokedProxy),
  hostile('null-prototype object', () => Object.create(null) as object),
  hostile('prototype-named keys', () => JSON.parse('{"toString": 1, "constructor": 2, "hasOwnProperty": 3}') as object),
  hostile('throwing function', () => () => {
    throw new Error('hostile callback');
  }),
  // Weighted up: one key of ~60 times one kind of 6 is otherwise too rare to meet.
  { arbitrary: nested, weight: 6 },
);

/** Junk or, half the time, a plausible value, so fuzzing also reaches past the first check. */
export function junkOr<T>(plausible: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(plausible, junk);
}

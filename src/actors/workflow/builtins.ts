import type { StreamMessage } from '../../message.js';
import { patternGenerator, type DataPattern } from './patterns.js';
import type { NodeTypeDefinition } from './node-types.js';
import { driveSource } from './source-driver.js';
import { collectorType } from './collector.js';
import { atLeastOne, checkConfig as checks, count, delay, finite, oneOf, positive, rate, size, text } from './config-rules.js';

type Config = Readonly<Record<string, unknown>>;
const num = (c: Config, k: string) => c[k] as number | undefined;

const SCHEDULE = { rate, count, duration: positive };
const PATTERN = { offset: finite, step: finite, amplitude: finite, period: positive, noise: (v: unknown) => (typeof v === 'number' && v >= 0 ? null : 'must be a number >= 0'), seed: count };

function source(pattern: DataPattern, description: string): NodeTypeDefinition {
  return {
    type: pattern === 'sine-wave' ? 'source.sine' : `source.${pattern}`,
    description,
    kind: 'source',
    outputs: { out: { type: 'number' } },
    validateConfig: (c) => checks(c, { ...SCHEDULE, ...PATTERN }),
    create(ctx) {
      const c = ctx.config;
      const value = patternGenerator(pattern, c);
      const driver = driveSource(ctx, 'out', { rate: num(c, 'rate'), count: num(c, 'count'), duration: num(c, 'duration') }, value);
      return { start: driver.start, pause: driver.pause, resume: driver.resume, stop: driver.stop };
    },
  };
}

/** Reads the value a map/filter works on: the data, or one field of it. */
const pick = (field: string | undefined) => (m: StreamMessage) => (field === undefined ? m.data : (m.data as Record<string, unknown> | null)?.[field]);

const map: NodeTypeDefinition = {
  type: 'transform.map',
  description: 'Applies a registered function (fn) and/or value * scale + offset to each message (or to one field of it).',
  kind: 'transform',
  inputs: { in: { type: 'any' } },
  outputs: { out: { type: 'any' } },
  validateConfig: (c) => checks(c, { fn: text, scale: finite, offset: finite, field: text }),
  create(ctx) {
    const c = ctx.config;
    const f = typeof c.fn === 'string' ? ctx.fn(c.fn) : undefined;
    const scale = num(c, 'scale');
    const offset = num(c, 'offset');
    const get = pick(c.field as string | undefined);
    const out = ctx.output('out');
    return {
      process(batch) {
        const ms = batch.messages;
        const arith = scale !== undefined || offset !== undefined;
        const k = scale ?? 1;
        const c0 = offset ?? 0;
        if (!f) {
          // Arithmetic cannot throw: one pass.
          for (let i = 0; i < ms.length; i++) {
            const m = ms[i]!;
            const v = get(m);
            out(arith ? (v as number) * k + c0 : v, m);
          }
          return;
        }
        // A user fn may throw: compute the whole batch first, so a failed attempt emitted
        // nothing and its retry duplicates nothing.
        const values = new Array<unknown>(ms.length);
        for (let i = 0; i < ms.length; i++) {
          const v = f(get(ms[i]!));
          values[i] = arith ? (v as number) * k + c0 : v;
        }
        for (let i = 0; i < ms.length; i++) out(values[i], ms[i]);
      },
    };
  },
};

const filter: NodeTypeDefinition = {
  type: 'transform.filter',
  description: 'Passes the messages for which a registered predicate (fn) is truthy and/or the value lies in [min, max].',
  kind: 'transform',
  inputs: { in: { type: 'any' } },
  outputs: { out: { type: 'any' } },
  validateConfig: (c) => [
    ...checks(c, { fn: text, min: finite, max: finite, field: text }),
    ...(typeof c.min === 'number' && typeof c.max === 'number' && c.min > c.max ? [`min (${c.min}) must not exceed max (${c.max})`] : []),
  ],
  create(ctx) {
    const c = ctx.config;
    const f = typeof c.fn === 'string' ? ctx.fn(c.fn) : undefined;
    const min = num(c, 'min') ?? -Infinity;
    const max = num(c, 'max') ?? Infinity;
    const get = pick(c.field as string | undefined);
    const out = ctx.output('out');
    return {
      process(batch) {
        const pass: StreamMessage[] = [];
        for (const m of batch.messages) {
          const v = get(m);
          if (f && !f(v)) continue;
          if (typeof v === 'number' ? v < min || v > max : min !== -Infinity || max !== Infinity) continue;
          pass.push(m);
        }
        for (const m of pass) out(m.data, m); // after every predicate ran: a throw emits nothing
      },
    };
  },
};

const OPS = ['mean', 'sum', 'min', 'max', 'count'] as const;
const aggregate: NodeTypeDefinition = {
  type: 'transform.aggregate',
  description: "Tumbling windows of `window` messages reduced by `op` (mean, sum, min, max, count); with `scan: true`, the running value after every message.",
  kind: 'transform',
  inputs: { in: { type: 'number' } },
  outputs: { out: { type: 'number' } },
  validateConfig: (c) => checks(c, { window: atLeastOne, op: oneOf(OPS), scan: (v) => (typeof v === 'boolean' ? null : 'must be a boolean') }),
  create(ctx) {
    const c = ctx.config;
    const size = num(c, 'window') ?? 10;
    const op = (c.op as (typeof OPS)[number] | undefined) ?? 'mean';
    const scan = c.scan === true;
    const out = ctx.output('out');
    let n = 0;
    let acc = 0;
    let last: StreamMessage | undefined;
    const value = () => (op === 'mean' ? acc / n : op === 'count' ? n : acc);
    const flush = () => {
      if (n > 0) out(value(), last);
      n = 0;
      acc = 0;
    };
    return {
      process(batch) {
        for (const m of batch.messages) {
          const v = m.data as number;
          if (n === 0) acc = v;
          else if (op === 'min') acc = Math.min(acc, v);
          else if (op === 'max') acc = Math.max(acc, v);
          else acc += v; // sum, mean (count ignores acc)
          n++;
          last = m;
          if (scan) out(value(), m);
          if (n === size) scan ? ((n = 0), (acc = 0)) : flush();
        }
      },
      complete: () => (scan ? undefined : flush()),
    };
  },
};

const throttle: NodeTypeDefinition = {
  type: 'transform.throttle',
  description: "At most one message per `interval` ms: the first of each interval (mode 'first') or the latest at its end (mode 'sample').",
  kind: 'transform',
  inputs: { in: { type: 'any' } },
  outputs: { out: { type: 'any' } },
  validateConfig: (c) => [...checks(c, { interval: delay, mode: oneOf(['first', 'sample']) }), ...(c.interval === undefined ? ['interval is required'] : [])],
  create(ctx) {
    const interval = ctx.config.interval as number;
    const sample = ctx.config.mode === 'sample';
    const out = ctx.output('out');
    const clock = ctx.clock;
    let windowEnd = -Infinity;
    let latest: StreamMessage | undefined;
    let timer: unknown;
    const emitLatest = () => {
      timer = undefined;
      if (latest) out(latest.data, latest);
      latest = undefined;
    };
    return {
      process(batch) {
        for (const m of batch.messages) {
          if (sample) {
            latest = m;
            if (timer === undefined) timer = clock.setTimeout(emitLatest, interval);
          } else {
            const now = clock.now();
            if (now < windowEnd) continue;
            windowEnd = now + interval;
            out(m.data, m);
          }
        }
      },
      complete() {
        if (timer !== undefined) clock.clearTimeout(timer);
        if (sample) emitLatest();
      },
      stop() {
        if (timer !== undefined) clock.clearTimeout(timer);
        timer = undefined;
      },
    };
  },
};

const collector = collectorType();

const log: NodeTypeDefinition = {
  type: 'sink.log',
  description: 'Logs one line per `every` messages (default 1000) through `console.log`, prefixed with the node id.',
  kind: 'sink',
  inputs: { in: { type: 'any' } },
  validateConfig: (c) => checks(c, { every: atLeastOne }),
  create(ctx) {
    const every = num(ctx.config, 'every') ?? 1000;
    let seen = 0;
    return {
      process(batch) {
        for (const m of batch.messages) {
          if (++seen % every === 0) console.log(`[${ctx.nodeId}] #${seen} ${JSON.stringify(m.data)}`);
        }
      },
    };
  },
};

const widget: NodeTypeDefinition = {
  type: 'sink.widget',
  description: 'A widget actor (bounded window of `bufferSize` messages); UI hooks attach to it by node id.',
  kind: 'sink',
  inputs: { in: { type: 'any' } },
  validateConfig: (c) => checks(c, { bufferSize: size }),
  widget: { bufferSize: (c) => num(c, 'bufferSize') },
  create: () => ({}),
};

/**
 * The built-in node types: sources for each data pattern, map/filter/aggregate/throttle
 * transforms, and collector/log/widget sinks.
 *
 * @example
 * ```ts
 * for (const t of BUILTIN_NODE_TYPES) console.log(t.type, '-', t.description);
 * ```
 */
export const BUILTIN_NODE_TYPES: readonly NodeTypeDefinition[] = Object.freeze([
  source('sequential', 'Numbers offset, offset + step, ...; at `rate` msg/s, for `count` messages or `duration` ms.'),
  source('random', 'Uniform values in offset ± amplitude from a seeded generator (`seed`).'),
  source('sine-wave', 'offset + amplitude x sin(2πi / period), with optional seeded `noise`.'),
  source('step', 'Alternates offset ± amplitude every `period` messages, with optional `noise`.'),
  map,
  filter,
  aggregate,
  throttle,
  collector,
  log,
  widget,
]);

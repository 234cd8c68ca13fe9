import { DELAY_ALLOWED, MAX_DELAY_MS, isDelay } from '../../clock.js';
import { ConfigError, readOptions } from '../../errors.js';
import { DEFAULT_ADAPTIVE_LAW, type AdaptiveLaw } from '../../machines/adaptive.logic.js';
import { hasMethods } from '../../shape.js';
import type { LoadProbe } from '../metrics/load-probe.js';
import { check } from './error-recovery.js';

/**
 * The checked options of an adaptive handler: every field read once from the caller's object
 * (later reads cannot see a getter change its mind), the law copied and frozen, the probe
 * checked for its methods, so nothing can throw later inside the handler's timer.
 *
 * @example
 * ```ts
 * readAdaptiveOptions({ adjustmentInterval: 500 }).adjustmentInterval; // 500
 * readAdaptiveOptions({ probe: false } as never); // throws ConfigError (probe)
 * ```
 * @internal
 */
export function readAdaptiveOptions(options: object | undefined): {
  defaults: { dropThreshold?: number; priorityDrop?: boolean; maxWaitTime?: number };
  adjustmentInterval: number;
  law: AdaptiveLaw;
  probe: LoadProbe | undefined;
} {
  const o = readOptions(options as Record<string, unknown> | undefined, ['dropThreshold', 'priorityDrop', 'maxWaitTime', 'adjustmentInterval', 'law', 'probe']);
  // A zero interval would re-arm its timer in a tight loop.
  const adjustmentInterval = check('adjustmentInterval', o.adjustmentInterval ?? 250, `a number of ms in (0, ${MAX_DELAY_MS}]`, (v) => isDelay(v) && v > 0);
  const law = o.law === undefined ? DEFAULT_ADAPTIVE_LAW : readLaw(o.law);
  if (o.probe !== undefined && !hasMethods(o.probe, ['sample', 'stop'])) throw new ConfigError('probe', 'a LoadProbe { sample(): number, stop(): void }', o.probe);
  return {
    defaults: { dropThreshold: o.dropThreshold as number | undefined, priorityDrop: o.priorityDrop as boolean | undefined, maxWaitTime: o.maxWaitTime as number | undefined },
    adjustmentInterval,
    law,
    probe: o.probe as LoadProbe | undefined,
  };
}

const LAW_KEYS = Object.keys(DEFAULT_ADAPTIVE_LAW);

function readLaw(input: unknown): AdaptiveLaw {
  const l = readOptions(input as Record<string, unknown>, LAW_KEYS, 'law.') as Record<string, unknown>;
  const range = (name: string, lo: number, hi: number, allowedHi: string) => {
    const b = readOptions(l[name] as Record<string, unknown> | undefined, ['min', 'max'], `law.${name}.`);
    const { min, max } = b as { min?: unknown; max?: unknown };
    const ok = typeof min === 'number' && typeof max === 'number' && min >= lo && max <= hi && min <= max;
    if (!ok) throw new ConfigError(`law.${name}`, `{ min, max } with ${lo} <= min <= max <= ${allowedHi}`, l[name]);
    return Object.freeze({ min, max });
  };
  const law: AdaptiveLaw = {
    maxBatchSize: range('maxBatchSize', 1, Number.MAX_SAFE_INTEGER, String(Number.MAX_SAFE_INTEGER)),
    // Its max becomes a connection's batchTimeout, a timer: bounded like every delay.
    batchTimeout: range('batchTimeout', 0, MAX_DELAY_MS, `${MAX_DELAY_MS} (ms; timers cannot wait longer)`),
    dropThreshold: range('dropThreshold', Number.MIN_VALUE, 1, '1'),
    highUtilization: check('law.highUtilization', l.highUtilization, 'a number in (0, 1]', (v) => v > 0 && v <= 1),
    lowUtilization: check('law.lowUtilization', l.lowUtilization, 'a number in [0, highUtilization)', (v) => v >= 0 && v < (l.highUtilization as number)),
    saturatedBusy: check('law.saturatedBusy', l.saturatedBusy, 'a number in (0, 1]', (v) => v > 0 && v <= 1),
    calmBusy: check('law.calmBusy', l.calmBusy, 'a number in [0, saturatedBusy)', (v) => v >= 0 && v < (l.saturatedBusy as number)),
    loopDelayHighMs: check('law.loopDelayHighMs', l.loopDelayHighMs, DELAY_ALLOWED, isDelay),
    loopDelayLowMs: check('law.loopDelayLowMs', l.loopDelayLowMs, 'a number of ms in [0, loopDelayHighMs]', (v) => isDelay(v) && v <= (l.loopDelayHighMs as number)),
    calmIntervals: check('law.calmIntervals', l.calmIntervals, 'an integer in [1, 1000000]', (v) => Number.isInteger(v) && v >= 1 && v <= 1e6),
  };
  return Object.freeze(law);
}

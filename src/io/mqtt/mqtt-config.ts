import { atLeastOne, checkConfig, count, delay, oneOf, text, type ConfigRule } from '../../actors/workflow/config-rules.js';
import { PAYLOAD_FORMATS } from '../payload.js';

type Config = Readonly<Record<string, unknown>>;

const url: ConfigRule = (v) => (typeof v === 'string' && /^mqtts?:\/\/[^/\s]+/.test(v) ? null : "must be an mqtt:// or mqtts:// URL (e.g. 'mqtt://127.0.0.1:1883')");
const bool: ConfigRule = (v) => (typeof v === 'boolean' ? null : 'must be a boolean');
const qos: ConfigRule = (v) => (v === 0 || v === 1 ? null : 'must be 0 or 1');
const protocolVersion: ConfigRule = (v) => (v === 4 || v === 5 ? null : 'must be 4 (MQTT 3.1.1) or 5');
const receiveMaximum: ConfigRule = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535 ? null : 'must be an integer in [1, 65535]');
const keepalive: ConfigRule = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535 ? null : 'must be a number of seconds in [1, 65535]');
const password: ConfigRule = (v) => (typeof v === 'string' ? null : 'must be a string');

// A topic filter level is a '+' alone, a '#' alone and last, or text without either.
function filterProblem(f: unknown): string | null {
  if (typeof f !== 'string' || f.length === 0) return 'must be a non-empty string';
  const levels = f.split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    if (l === '#' && i !== levels.length - 1) return `'${f}': '#' must be the last level`;
    if (l !== '#' && l !== '+' && /[#+]/.test(l)) return `'${f}': a wildcard (+ or #) must fill a whole level`;
  }
  return null;
}

const topicFilter: ConfigRule = (v) => {
  if (!Array.isArray(v)) return filterProblem(v);
  if (v.length === 0) return 'must name at least one topic filter';
  for (const f of v) {
    const p = filterProblem(f);
    if (p) return p;
  }
  return null;
};

const topicName: ConfigRule = (v) => (typeof v === 'string' && v.length > 0 && !/[#+]/.test(v) ? null : 'must be a non-empty topic without wildcards (+ or #)');

/** The keys both ends share: where the broker is and how to stay connected. */
const LINK: Record<string, ConfigRule> = { url, clientId: text, username: text, password, protocolVersion, keepalive, reconnectPeriod: delay, connectTimeout: delay, qos, format: oneOf(PAYLOAD_FORMATS) };

const required = (c: Config, keys: readonly string[]) => keys.filter((k) => c[k] === undefined).map((k) => `${k} is required`);

/**
 * Problems with an `mqtt in` config, one message each (unknown keys included).
 *
 * @example
 * ```ts
 * validateMqttIn({ url: 'mqtt://127.0.0.1:1883', topic: 'a/#/b' }); // ["topic 'a/#/b': '#' must be the last level"]
 * ```
 * @internal
 */
export function validateMqttIn(c: Config): string[] {
  const rules = { ...LINK, topic: topicFilter, clean: bool, sessionExpiry: count, receiveMaximum, maxPayloadBytes: atLeastOne, onInvalid: oneOf(['drop', 'error']), output: oneOf(['payload', 'message']) };
  return [...required(c, ['url', 'topic']), ...checkConfig(c, rules)];
}

/**
 * Problems with an `mqtt out` config: `topic` or `topicField`, exactly one.
 *
 * @example
 * ```ts
 * validateMqttOut({ url: 'mqtt://127.0.0.1:1883' }); // ['one of topic or topicField is required']
 * ```
 * @internal
 */
export function validateMqttOut(c: Config): string[] {
  const rules = { ...LINK, topic: topicName, topicField: text, payloadField: text, retain: bool, maxInFlight: receiveMaximum };
  const topic = c.topic === undefined && c.topicField === undefined ? ['one of topic or topicField is required'] : c.topic !== undefined && c.topicField !== undefined ? ['give topic or topicField, not both'] : [];
  return [...required(c, ['url']), ...topic, ...checkConfig(c, rules)];
}

import { describe, expect, it } from 'vitest';
import { validateMqttIn, validateMqttOut } from '../../../src/io/mqtt/mqtt-config.js';
import { ioWorkflow } from './helpers.js';

const url = 'mqtt://127.0.0.1:1883';

describe('mqtt config checks', () => {
  it('mqtt in: url and topic required, wildcards whole levels, # last, known keys only', () => {
    expect(validateMqttIn({ url, topic: ['a/+/b', 'c/#'], qos: 0, format: 'text', output: 'message', receiveMaximum: 10 })).toEqual([]);
    expect(validateMqttIn({})).toEqual(['url is required', 'topic is required']);
    expect(validateMqttIn({ url: 'http://x', topic: 'a/#/b' })).toEqual([
      "url must be an mqtt:// or mqtts:// URL (e.g. 'mqtt://127.0.0.1:1883')",
      "topic 'a/#/b': '#' must be the last level",
    ]);
    expect(validateMqttIn({ url, topic: 'a+', qos: 2, holdLimit: 3 })).toEqual([
      "unknown config key 'holdLimit' (known: url, clientId, username, password, protocolVersion, keepalive, reconnectPeriod, connectTimeout, qos, format, topic, clean, sessionExpiry, receiveMaximum, maxPayloadBytes, onInvalid, output)",
      'qos must be 0 or 1',
      "topic 'a+': a wildcard (+ or #) must fill a whole level",
    ]);
    expect(validateMqttIn({ url, topic: [] })).toEqual(['topic must name at least one topic filter']);
  });

  it('mqtt out: topic or topicField, exactly one; no wildcards in a topic name', () => {
    expect(validateMqttOut({ url, topic: 'a/b', retain: true, maxInFlight: 5 })).toEqual([]);
    expect(validateMqttOut({ url })).toEqual(['one of topic or topicField is required']);
    expect(validateMqttOut({ url, topic: 'a/#', topicField: 't' })).toEqual(['give topic or topicField, not both', 'topic must be a non-empty topic without wildcards (+ or #)']);
  });

  it('a bad config fails the workflow before anything connects', async () => {
    const { wf } = ioWorkflow();
    await expect(wf.executeWorkflow({ nodes: [{ id: 'in', type: 'mqtt in', config: { url, topic: 'a', qos: 2 } }], edges: [] })).rejects.toThrow(/qos must be 0 or 1/);
  });
});

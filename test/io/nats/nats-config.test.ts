import { describe, expect, it } from 'vitest';
import { natsInType, natsOutType } from '../../../src/io/index.js';

const inProblems = (c: Record<string, unknown>) => natsInType.validateConfig!(c) ?? [];
const outProblems = (c: Record<string, unknown>) => natsOutType.validateConfig!(c) ?? [];

describe('nats in / nats out config', () => {
  it('accepts the documented shapes', () => {
    expect(inProblems({ servers: 'nats://127.0.0.1:4222', subject: 'a.*.>' })).toEqual([]);
    expect(inProblems({ servers: ['nats://a:4222', 'nats://b:4222'], subject: 'a', queue: 'workers', format: 'text', onInvalid: 'error' })).toEqual([]);
    expect(inProblems({ servers: 'nats://x', subject: 'a.>', mode: 'jetstream', stream: 'S', durable: 'd', batch: 10, maxAckPending: 100, ackWaitMs: 30_000 })).toEqual([]);
    expect(outProblems({ servers: 'nats://x', subject: 'a.b' })).toEqual([]);
    expect(outProblems({ servers: 'nats://x', subjectField: 'to', mode: 'jetstream', msgIdField: 'id', maxInFlight: 8 })).toEqual([]);
  });

  it('refuses missing, unknown and misplaced keys, and subjects NATS would refuse, one message each', () => {
    expect(inProblems({})).toEqual(['servers is required', 'subject is required']);
    expect(inProblems({ servers: [], subject: 'a', topic: 'x' })).toEqual([
      "unknown config key 'topic' (known: servers, mode, format, subject, stream, durable, queue, maxPayloadBytes, onInvalid, batch, maxAckPending, ackWaitMs, holdLimit)",
      'servers must be a server url or a non-empty list of them',
    ]);
    expect(inProblems({ servers: 'nats://x', subject: 'a.>.b' })).toEqual(["subject 'a.>.b': '>' must be the last token"]);
    expect(inProblems({ servers: 'nats://x', subject: 'a..b' })[0]).toMatch(/empty token/);
    expect(inProblems({ servers: 'nats://x', subject: 'a.b*' })[0]).toMatch(/whole token/);
    expect(inProblems({ servers: 'nats://x', subject: 'a', mode: 'jetstream', queue: 'q' })).toEqual([
      "stream is required with mode 'jetstream'",
      "durable (the consumer's name) is required with mode 'jetstream'",
      "queue is for mode 'core' (JetStream consumers share a durable instead)",
    ]);
    expect(inProblems({ servers: 'nats://x', subject: 'a', durable: 'd.e', mode: 'jetstream', stream: 'S' })).toEqual(['durable must be a name without dots, wildcards or whitespace']);
    expect(inProblems({ servers: 'nats://x', subject: 'a', batch: 5 })).toEqual(["batch is for mode 'jetstream'"]);
    expect(outProblems({ servers: 'nats://x', subject: 'a.*' })).toEqual(["subject 'a.*' has a wildcard; a publish subject must be literal"]);
    expect(outProblems({ servers: 'nats://x' })).toEqual(['exactly one of subject and subjectField is required']);
    expect(outProblems({ servers: 'nats://x', subject: 'a', msgIdField: 'id' })).toEqual(["msgIdField is for mode 'jetstream'"]);
  });
});

// Without nats.js installed the record entry still loads (the JetStream store imports nats.js
// only inside openJetStreamLog), and openJetStreamLog rejects with the usual missing-peer error.
import { describe, expect, it, vi } from 'vitest';

vi.mock('@nats-io/jetstream', () => {
  throw new Error("Cannot find package '@nats-io/jetstream'");
});
vi.mock('@nats-io/transport-node', () => {
  throw new Error("Cannot find package '@nats-io/transport-node'");
});

describe('openJetStreamLog with the nats.js peers missing', () => {
  it('the record entry loads, and openJetStreamLog rejects with MISSING_DEPENDENCY naming the package', async () => {
    const entry = await import('../../../src/record/index.js');
    expect(typeof entry.openJetStreamLog).toBe('function');
    expect(typeof entry.openFileLog).toBe('function');
    const error = await entry.openJetStreamLog({ servers: 'nats://127.0.0.1:1', stream: 'rec' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'NodeflowError', code: 'MISSING_DEPENDENCY', details: { dependency: '@nats-io/jetstream' } });
    expect((error as Error).message).toContain('@nodeflow/runtime/record (openJetStreamLog) needs @nats-io/jetstream');
    expect((error as Error).message).toContain('npm install @nats-io/jetstream');
  });

  it('a bad option is INVALID_CONFIG before any package is loaded', async () => {
    const { openJetStreamLog } = await import('../../../src/record/index.js');
    await expect(openJetStreamLog({ servers: 'nats://127.0.0.1:1', stream: 'a.b' })).rejects.toMatchObject({ code: 'INVALID_CONFIG', details: expect.objectContaining({ field: 'stream' }) });
  });
});

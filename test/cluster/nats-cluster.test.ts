// natsCluster without nats.js installed: the error names the entry the user imported.
import { describe, expect, it, vi } from 'vitest';
import { natsCluster } from '../../src/cluster/index.js';

vi.mock('@nats-io/jetstream', () => {
  throw new Error("Cannot find package '@nats-io/jetstream'");
});

describe('natsCluster(...).connect() with an optional peer missing', () => {
  it('fails with MISSING_DEPENDENCY naming @nodeflow/runtime/cluster and the package to install, before any connection', async () => {
    const error = await natsCluster({ servers: 'nats://127.0.0.1:1' }).connect().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'NodeflowError', code: 'MISSING_DEPENDENCY', details: { dependency: '@nats-io/jetstream' } });
    expect((error as Error).message).toContain('@nodeflow/runtime/cluster needs @nats-io/jetstream');
    expect((error as Error).message).toContain('npm install @nats-io/jetstream');
  });
});

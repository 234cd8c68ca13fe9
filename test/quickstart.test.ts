// The spec's Quick Start, as written (only the import path is ours).
import { describe, expect, it } from 'vitest';
import { StreamEngine, DefaultBackpressureHandler, GracefulErrorRecovery } from '../src/index.js';

describe('spec Quick Start', () => {
  it('runs as written and delivers the message', async () => {
    // Initialize the streaming engine
    const streamEngine = new StreamEngine();
    streamEngine.setBackpressureHandler(new DefaultBackpressureHandler());
    streamEngine.setErrorRecovery(new GracefulErrorRecovery());

    // Create a stream connection
    const connectionId = streamEngine.createConnection('sourceNode', 'targetNode', 'outputPort', 'inputPort');

    // Send data through the stream
    const connection = streamEngine.getConnection(connectionId);
    await connection.writer.write({
      id: 'msg-1',
      timestamp: Date.now(),
      sourceNodeId: 'sourceNode',
      targetNodeId: 'targetNode',
      port: 'outputPort',
      data: { value: 42 },
    });

    // (ours) what arrived, after the batch window, and a clean stop
    const got: unknown[] = [];
    streamEngine.node('targetNode').batches$.subscribe((b) => got.push(...b.messages.map((m) => m.data)));
    await new Promise((r) => setTimeout(r, 40));
    expect(got).toEqual([{ value: 42 }]);
    expect(connection.stats()).toMatchObject({ accepted: 1, delivered: 1, inFlight: 0 });
    await streamEngine.stop();
    expect(streamEngine.state).toBe('stopped');
  });
});

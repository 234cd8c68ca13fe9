import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock, createActor } from 'xstate';
import { engineMachine, nodeMachine, widgetMachine, type Batch } from '../../src/index.js';

const batch: Batch = { connectionId: 'c', port: 'in', messages: [] };

describe('node machine', () => {
  it('idle until started; hands batches to its sink while running, not while paused; stop is final', () => {
    const sink = { ingest: vi.fn() };
    const a = createActor(nodeMachine, { input: { nodeId: 'n', sink }, clock: new SimulatedClock() }).start();
    expect(a.getSnapshot().value).toBe('idle');
    a.send({ type: 'batch.ready', batch });
    expect(sink.ingest).not.toHaveBeenCalled();
    a.send({ type: 'node.start' });
    a.send({ type: 'batch.ready', batch });
    expect(sink.ingest).toHaveBeenCalledWith(batch);
    a.send({ type: 'node.pause' });
    expect(a.getSnapshot().value).toBe('paused');
    a.send({ type: 'batch.ready', batch });
    expect(sink.ingest).toHaveBeenCalledTimes(1);
    a.send({ type: 'node.resume' });
    expect(a.getSnapshot().value).toBe('running');
    a.send({ type: 'node.stop' });
    expect(a.getSnapshot().status).toBe('done');
  });

  it('completes (final) from running or paused; fails from any state with the error kept', () => {
    const sink = { ingest: vi.fn() };
    const a = createActor(nodeMachine, { input: { nodeId: 'n', sink } }).start();
    a.send({ type: 'node.start' });
    a.send({ type: 'node.pause' });
    a.send({ type: 'node.complete' });
    expect(a.getSnapshot().value).toBe('completed');
    expect(a.getSnapshot().status).toBe('done');
    const b = createActor(nodeMachine, { input: { nodeId: 'm', sink } }).start();
    b.send({ type: 'node.fail', error: 'source crashed' });
    expect(b.getSnapshot().value).toBe('failed');
    expect(b.getSnapshot().context.error).toBe('source crashed');
  });
});

describe('widget machine', () => {
  it('waits for the first batch, then is live; every batch reaches the sink once', () => {
    const sink = { ingest: vi.fn() };
    const a = createActor(widgetMachine, { input: { widgetId: 'w', sink } }).start();
    expect(a.getSnapshot().value).toBe('waiting');
    a.send({ type: 'batch.ready', batch });
    a.send({ type: 'batch.ready', batch });
    expect(a.getSnapshot().value).toBe('live');
    expect(sink.ingest).toHaveBeenCalledTimes(2);
    a.send({ type: 'widget.stop' });
    expect(a.getSnapshot().value).toBe('stopped');
  });
});

describe('engine machine', () => {
  it('running → stopping → stopped → running, counting connections', () => {
    const a = createActor(engineMachine).start();
    a.send({ type: 'topology.connectionAdded' });
    a.send({ type: 'topology.connectionAdded' });
    a.send({ type: 'topology.connectionRemoved' });
    expect(a.getSnapshot().context.connections).toBe(1);
    a.send({ type: 'engine.stop' });
    expect(a.getSnapshot().value).toBe('stopping');
    a.send({ type: 'engine.stopped' });
    expect(a.getSnapshot().value).toBe('stopped');
    a.send({ type: 'engine.start' });
    expect(a.getSnapshot().value).toBe('running');
  });
});

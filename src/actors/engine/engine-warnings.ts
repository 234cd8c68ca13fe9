import { describe } from '../../errors.js';
import { suggest } from '../../near-miss.js';
import type { PortWarnings } from '../targets/output-port.js';
import type { Warnings } from '../../warnings.js';
import type { EngineRegistry } from './registry.js';

/**
 * The engine's development warnings, worded with what the registry knows: the near misses of a
 * mistyped port or stream id among the ports and ids that exist. Everything here runs once per
 * cause (the {@link Warnings} channel says each code + subject once), never per message.
 *
 * @example
 * ```ts
 * const w = new EngineWarnings(new Warnings(true), () => registry);
 * w.unrouted('a', 'output'); // [nodeflow] emit on "a:output", a port no connection has ever left: ... (did you mean "a:out"?)
 * ```
 * @internal
 */
export class EngineWarnings implements PortWarnings {
  constructor(
    private readonly channel: Warnings,
    private readonly registry: () => EngineRegistry,
  ) {}

  /** False when warnings are off (or the channel has said all it will). */
  get enabled(): boolean {
    return this.channel.enabled;
  }

  /** What node output ports are given: none while warnings are off, so emit skips them. */
  get forPorts(): PortWarnings | undefined {
    return this.channel.enabled ? this : undefined;
  }

  unrouted(nodeId: string, port: string): void {
    const ref = `${nodeId}:${port}`;
    this.channel.warn('UNROUTED_EMIT', ref, () => {
      const { near, hint } = suggest('connected port', ref, this.ports());
      const message = `emit on ${describe(ref)}, a port no connection has ever left: the message goes nowhere, counted in the node's unrouted (${hint})`;
      return { code: 'UNROUTED_EMIT', message, nodeId, port, nearMisses: near };
    });
  }

  mismatch(nodeId: string, port: string, messagePort: string): void {
    this.channel.warn('PORT_MISMATCH', `${nodeId}:${port}`, () => ({
      code: 'PORT_MISMATCH',
      message: `a message with port ${describe(messagePort)} was emitted on ${describe(`${nodeId}:${port}`)}; it is delivered on ${describe(port)}, the port it was emitted on`,
      nodeId,
      port,
      messagePort,
    }));
  }

  /** useStreamData found nothing by `streamId`: the ids it could have meant. */
  unknownStream(streamId: string): void {
    this.channel.warn('UNKNOWN_STREAM', streamId, () => {
      const { near, hint } = suggest('widget', streamId, this.streams());
      const message = `useStreamData(${describe(streamId)}) shows no data: no widget, nor a connection or output port into one, has this id (${hint})`;
      return { code: 'UNKNOWN_STREAM', message, streamId, nearMisses: near };
    });
  }

  // Output ports by `nodeId:port`: those a connection leaves.
  private *ports(): Iterable<string> {
    for (const c of this.registry().connections.values()) yield `${c.sourceNodeId}:${c.outputPort}`;
  }

  // What a stream id may name: widget ids, then the connections into widgets and their ports.
  private *streams(): Iterable<string> {
    const r = this.registry();
    yield* r.widgets.keys();
    for (const c of r.connections.values()) {
      if (!r.widgets.has(c.targetNodeId)) continue;
      yield c.id;
      yield `${c.sourceNodeId}:${c.outputPort}`;
    }
  }
}

import type { IClientOptions, MqttClient } from 'mqtt';
import type { NodeContext } from '../../actors/workflow/node-types.js';
import { optionalPeer } from '../../optional-peer.js';

const loadMqtt = optionalPeer('mqtt', '@nodeflow/runtime/io', () => import('mqtt'));

/**
 * One node's MQTT client: loads `mqtt` on first use, connects with the node's config, keeps
 * reconnecting (mqtt.js does, every `reconnectPeriod` ms), and reports each change of link
 * state as `io.state` (connecting, connected, reconnecting, closed) and each new connection
 * error as `io.error` (`CONNECTION_FAILED`, once per distinct message so a broker that stays
 * down costs one event, not one a second).
 *
 * @example
 * ```ts
 * const link = new MqttLink(ctx, { protocolVersion: 5, clean: false });
 * const client = await link.open((c) => c.on('connect', () => c.subscribe('a/#', { qos: 1 })));
 * link.close();
 * ```
 * @internal
 */
export class MqttLink {
  private client: MqttClient | undefined;
  private closed = false;
  private state = '';
  private lastError = '';

  constructor(
    private readonly ctx: NodeContext,
    private readonly extra: IClientOptions = {},
  ) {}

  /** Connects (once `mqtt` has loaded); `wire` attaches the node's handlers before the first packet. Undefined if closed meanwhile. */
  async open(wire: (client: MqttClient) => void): Promise<MqttClient | undefined> {
    const c = this.ctx.config;
    this.report('connecting', c.url as string);
    const mqtt = await loadMqtt();
    if (this.closed) return undefined;
    const client = mqtt.connect(c.url as string, {
      clientId: (c.clientId as string | undefined) ?? `nodeflow_${this.ctx.nodeId.replace(/[^\w-]/g, '_').slice(0, 40)}_${Math.random().toString(16).slice(2, 10)}`,
      username: c.username as string | undefined,
      password: c.password as string | undefined,
      protocolVersion: (c.protocolVersion as 4 | 5 | undefined) ?? 5,
      keepalive: (c.keepalive as number | undefined) ?? 60,
      reconnectPeriod: (c.reconnectPeriod as number | undefined) ?? 1000,
      connectTimeout: (c.connectTimeout as number | undefined) ?? 10_000,
      resubscribe: false, // the node subscribes on each connect that has no session (see mqtt-in.ts)
      ...this.extra,
      manualConnect: true, // handlers first, then the first packet
    });
    this.client = client;
    client.on('connect', () => ((this.lastError = ''), this.report('connected', c.url as string)));
    client.on('reconnect', () => this.report('reconnecting', this.lastError || undefined));
    client.on('close', () => this.closed || this.report('reconnecting', this.lastError || 'connection closed'));
    client.on('error', (e) => this.fault(e));
    wire(client);
    client.connect();
    return client;
  }

  /** Ends the client: a DISCONNECT when connected (so the broker keeps a persistent session cleanly), forced after 1 s. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const client = this.client;
    this.report('closed');
    if (!client) return;
    const force = setTimeout(() => client.end(true), 1000);
    force.unref?.();
    client.end(false, {}, () => clearTimeout(force));
  }

  private report(state: 'connecting' | 'connected' | 'reconnecting' | 'closed', detail?: string): void {
    if (state === this.state) return;
    this.state = state;
    this.ctx.report({ kind: 'state', state, ...(detail === undefined ? {} : { detail }) });
  }

  private fault(e: Error): void {
    const message = e.message || String(e);
    if (message === this.lastError) return;
    this.lastError = message;
    this.ctx.report({ kind: 'error', code: 'CONNECTION_FAILED', message });
  }
}

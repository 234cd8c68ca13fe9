import type { ConnectionInfo } from '../actors/engine/topology-types.js';
import type { EngineMetrics } from '../actors/engine/engine-metrics.js';
import type { WidgetStatus } from '../actors/targets/widget-types.js';

// Wire protocol v1 between `serveEngine` and `connectEngine`: the shapes of the JSON control
// frames, the close codes and the default limits. docs/remote-protocol.md is its reference.

/**
 * The protocol version a `hello` must carry, and the WebSocket subprotocol both ends speak.
 *
 * @example
 * ```ts
 * new WebSocket(url, SUBPROTOCOL); // 'nodeflow.v1'
 * ```
 */
export const PROTOCOL_VERSION = 1;
/** @example `new WebSocket(url, SUBPROTOCOL)` */
export const SUBPROTOCOL = 'nodeflow.v1';

/**
 * What a server enforces per socket. The server sends its effective limits in `welcome`.
 *
 * @example
 * ```ts
 * const limits: RemoteLimits = { ...DEFAULT_LIMITS, maxSubscriptions: 16 };
 * ```
 */
export interface RemoteLimits {
  /** Largest inbound frame in bytes (larger: ws closes with 1009). */
  readonly maxPayload: number;
  readonly maxSubscriptions: number;
  /** Open sockets per server (more: HTTP 503 at the upgrade). */
  readonly maxSockets: number;
  /** Most batches a subscription may have granted and unspent. */
  readonly maxCredit: number;
  /** Largest window a subscription may ask for (also capped by the widget's own window). */
  readonly maxWindow: number;
  readonly minIntervalMs: number;
  readonly minMetricsIntervalMs: number;
  /** Connection and node rows per metrics frame (the first ones by id order of the engine). */
  readonly maxMetricsConnections: number;
  /** Inbound token bucket: frames per second, and the burst. */
  readonly ratePerSec: number;
  readonly rateBurst: number;
  readonly helloTimeoutMs: number;
  readonly pingIntervalMs: number;
  /** A socket whose send buffer holds more than this is skipped (its subscriptions count drops). */
  readonly highWaterMark: number;
  /** A socket above highWaterMark for this long is closed with 4008. */
  readonly slowTimeoutMs: number;
  /** Lifecycle events queued per socket before a full `topo` replaces them. */
  readonly maxPendingEvents: number;
}

/** @example `serveEngine({ engine, allowedOrigins, limits: { ...DEFAULT_LIMITS, maxSockets: 8 } })` */
export const DEFAULT_LIMITS: RemoteLimits = Object.freeze({
  maxPayload: 16 * 1024,
  maxSubscriptions: 64,
  maxSockets: 256,
  maxCredit: 16,
  maxWindow: 100_000,
  minIntervalMs: 8,
  minMetricsIntervalMs: 250,
  maxMetricsConnections: 1000,
  ratePerSec: 200,
  rateBurst: 400,
  helloTimeoutMs: 5_000,
  pingIntervalMs: 15_000,
  highWaterMark: 256 * 1024,
  slowTimeoutMs: 10_000,
  maxPendingEvents: 512,
});

/**
 * Close codes (4000-4499: the client reconnects; 4500-4999: it stops) and their reasons.
 *
 * @example
 * ```ts
 * ws.close(CloseCode.SubscriptionLimit, CLOSE_REASON[CloseCode.SubscriptionLimit]);
 * ```
 */
export const CloseCode = {
  ServerShutdown: 4000,
  EngineDisposed: 4001,
  SlowConsumer: 4008,
  HeartbeatTimeout: 4009,
  Malformed: 4500,
  UnknownType: 4501,
  UnsupportedVersion: 4502,
  HelloExpected: 4503,
  InvalidField: 4504,
  SubscriptionLimit: 4505,
  RateLimit: 4506,
} as const;
/** @example `const c: CloseCodeValue = CloseCode.RateLimit` */
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** @example `CLOSE_REASON[4505] // 'subscription limit'` */
export const CLOSE_REASON: Readonly<Record<CloseCodeValue, string>> = {
  4000: 'server shutdown',
  4001: 'engine disposed',
  4008: 'slow consumer',
  4009: 'heartbeat timeout',
  4500: 'malformed frame',
  4501: 'unknown type',
  4502: 'unsupported version',
  4503: 'hello expected',
  4504: 'invalid field',
  4505: 'subscription limit',
  4506: 'rate limit',
};

/**
 * Should a client reconnect after the socket closed with `code`? Yes for going-away and
 * abnormal closes (1001, 1005, 1006, 1011-1013) and 4000-4499; no for everything else.
 *
 * @example
 * ```ts
 * reconnectable(4008); // true
 * reconnectable(4504); // false
 * ```
 */
export function reconnectable(code: number): boolean {
  return code === 1001 || code === 1005 || code === 1006 || (code >= 1011 && code <= 1013) || (code >= 4000 && code <= 4499);
}

/** A node or widget of the topology on the wire: `[id, kind, state]`. @example `['chart', 'widget', 'live']` */
export type WireNode = readonly [id: string, kind: 'node' | 'widget', state: string];
/** @example `{ nodes: [['a', 'node', 'running']], conns: [] }` */
export interface WireTopology {
  readonly nodes: readonly WireNode[];
  readonly conns: readonly ConnectionInfo[];
}

/**
 * A lifecycle event on the wire: an `EngineEvent` with errors flattened to strings.
 *
 * @example
 * ```ts
 * const e: WireEvent = { type: 'widget.created', widgetId: 'chart', at: 0 };
 * ```
 */
export type WireEvent = { readonly type: string; readonly at: number } & Readonly<Record<string, unknown>>;

/**
 * Client → server control frames (JSON text).
 *
 * @example
 * ```ts
 * const m: ClientMessage = { type: 'sub', s: 1, w: 'chart', buf: 500, iv: 16, cr: 2 };
 * ```
 */
export type ClientMessage =
  | { readonly type: 'hello'; readonly v: number; readonly enc?: readonly string[] }
  | { readonly type: 'sub'; readonly s: number; readonly w: string; readonly buf: number; readonly iv: number; readonly cr: number; readonly since?: { readonly e: string; readonly q: number } }
  | { readonly type: 'unsub'; readonly s: number }
  | { readonly type: 'credit'; readonly g: readonly (readonly [s: number, n: number])[] }
  | { readonly type: 'metrics'; readonly iv: number }
  | { readonly type: 'ping'; readonly t: number };

/**
 * Server → client control frames (JSON text); data travels in binary `nf1` frames.
 *
 * @example
 * ```ts
 * if (m.type === 'subbed' && !m.rec) console.log('gap of', m.gap);
 * ```
 */
export type ServerMessage =
  | { readonly type: 'welcome'; readonly v: number; readonly epoch: string; readonly limits: RemoteLimits; readonly now: number; readonly topo: WireTopology }
  | { readonly type: 'subbed'; readonly s: number; readonly w: string; readonly e: string; readonly q: number; readonly win: number; readonly iv: number; readonly rec: boolean; readonly gap: number }
  | { readonly type: 'suberr'; readonly s: number; readonly code: 'UNKNOWN_WIDGET' | 'FORBIDDEN' | 'LIMIT' }
  | { readonly type: 'lc'; readonly ev: readonly WireEvent[] }
  | { readonly type: 'topo'; readonly topo: WireTopology }
  | { readonly type: 'st'; readonly s: number; readonly status: WidgetStatus }
  | { readonly type: 'metrics'; readonly m: EngineMetrics }
  | { readonly type: 'pong'; readonly t: number; readonly now: number };

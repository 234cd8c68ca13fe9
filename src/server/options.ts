import type { IncomingMessage, Server } from 'node:http';
import type { StreamEngine } from '../actors/engine/stream-engine.js';
import { ConfigError, readOptions } from '../errors.js';
import { DEFAULT_LIMITS, type RemoteLimits } from '../remote/protocol.js';

/**
 * What `authorize(req)` may answer: refuse (`false`, HTTP 401), or accept (`true`, or
 * `{ principal }`: accepted; protocol v1 applies no per-principal rule yet).
 *
 * @example
 * ```ts
 * const authorize = (req: IncomingMessage): AuthorizeResult => req.headers.cookie?.includes('sid=') ?? false;
 * ```
 */
export type AuthorizeResult = boolean | { readonly principal: unknown };

/**
 * Options of {@link serveEngine}. Exactly one way to listen: `port` (with `host`, default
 * 127.0.0.1; we create the HTTP server), `server` (an existing `http.Server`: we add an
 * `upgrade` listener for `path`) or `noServer` (you route upgrades to `handleUpgrade`).
 *
 * @example
 * ```ts
 * const options: ServeOptions = { engine, port: 0, allowedOrigins: ['https://dash.example.com'] };
 * ```
 */
export interface ServeOptions {
  readonly engine: StreamEngine;
  readonly port?: number;
  readonly host?: string;
  readonly server?: Server;
  readonly noServer?: boolean;
  /** URL path of the WebSocket endpoint (default `/nodeflow`). */
  readonly path?: string;
  /** Origins (`scheme://host[:port]`) whose pages may connect; `*` allows any (not advised). */
  readonly allowedOrigins: readonly string[];
  /** Accept upgrades without an `Origin` header (non-browser clients); default false. */
  readonly allowNoOrigin?: boolean;
  readonly authorize?: (req: IncomingMessage) => AuthorizeResult | Promise<AuthorizeResult>;
  readonly limits?: Partial<RemoteLimits>;
}

/**
 * Options after validation. @internal
 *
 * @example
 * ```ts
 * const { limits, path } = resolveOptions({ engine, port: 0, allowedOrigins: [] });
 * ```
 */
export interface ResolvedOptions {
  readonly engine: StreamEngine;
  readonly listen: { readonly mode: 'port'; readonly port: number; readonly host: string } | { readonly mode: 'server'; readonly server: Server } | { readonly mode: 'noServer' };
  readonly path: string;
  readonly origins: ReadonlySet<string>;
  readonly anyOrigin: boolean;
  readonly allowNoOrigin: boolean;
  readonly authorize: ((req: IncomingMessage) => AuthorizeResult | Promise<AuthorizeResult>) | undefined;
  readonly limits: RemoteLimits;
}

const KEYS = ['engine', 'port', 'host', 'server', 'noServer', 'path', 'allowedOrigins', 'allowNoOrigin', 'authorize', 'limits'];

function positiveInt(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ConfigError(field, 'an integer >= 1', v);
  return v;
}

/**
 * Validates serveEngine's options; throws a ConfigError naming the first bad field. @internal
 *
 * @example
 * ```ts
 * resolveOptions({ engine, port: 0, allowedOrigins: [], limits: { maxSockets: 0 } }); // throws ConfigError (limits.maxSockets)
 * ```
 */
export function resolveOptions(options: ServeOptions): ResolvedOptions {
  const o = readOptions(options, KEYS);
  const engine = o.engine as { findWidget?: unknown; lifecycle$?: unknown } | undefined;
  if (!engine || typeof engine.findWidget !== 'function' || !engine.lifecycle$) throw new ConfigError('engine', 'a StreamEngine', o.engine);
  const modes = [o.port !== undefined, o.server !== undefined, o.noServer === true].filter(Boolean).length;
  if (modes !== 1) throw new ConfigError('port', 'exactly one of port, server or noServer: true', o.port);
  let listen: ResolvedOptions['listen'];
  if (o.port !== undefined) {
    if (typeof o.port !== 'number' || !Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new ConfigError('port', 'an integer in 0..65535 (0: any free port)', o.port);
    const host = o.host ?? '127.0.0.1';
    if (typeof host !== 'string' || host === '') throw new ConfigError('host', 'a host name or address', host);
    listen = { mode: 'port', port: o.port, host };
  } else if (o.server !== undefined) {
    if (typeof (o.server as { on?: unknown }).on !== 'function') throw new ConfigError('server', 'a node:http Server', o.server);
    listen = { mode: 'server', server: o.server };
  } else listen = { mode: 'noServer' };
  if (o.host !== undefined && listen.mode !== 'port') throw new ConfigError('host', 'only with port', o.host);
  const path = o.path ?? '/nodeflow';
  if (typeof path !== 'string' || !path.startsWith('/')) throw new ConfigError('path', "a URL path starting with '/'", path);
  const origins = o.allowedOrigins;
  if (!Array.isArray(origins) || origins.some((x) => typeof x !== 'string' || x === '')) throw new ConfigError('allowedOrigins', "an array of origins such as 'https://app.example.com' (or ['*'])", origins);
  if (o.allowNoOrigin !== undefined && typeof o.allowNoOrigin !== 'boolean') throw new ConfigError('allowNoOrigin', 'a boolean', o.allowNoOrigin);
  if (o.authorize !== undefined && typeof o.authorize !== 'function') throw new ConfigError('authorize', 'a function (req) => boolean | { principal }', o.authorize);
  const given = readOptions(o.limits, Object.keys(DEFAULT_LIMITS), 'limits.');
  const limits = { ...DEFAULT_LIMITS } as Record<string, number>;
  for (const [k, v] of Object.entries(given)) limits[k] = positiveInt(`limits.${k}`, v);
  return {
    engine: o.engine!,
    listen,
    path,
    origins: new Set(origins.filter((x: string) => x !== '*')),
    anyOrigin: origins.includes('*'),
    allowNoOrigin: o.allowNoOrigin ?? false,
    authorize: o.authorize,
    limits: Object.freeze(limits) as unknown as RemoteLimits,
  };
}

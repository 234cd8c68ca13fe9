import type { ConfigRule } from '../../actors/workflow/config-rules.js';

/**
 * Config rules the web nodes share (see docs/io-web.md for each key and its default).
 *
 * @example
 * ```ts
 * checkConfig(c, { port: portRule, path: pathRule, allowedOrigins: originsRule });
 * ```
 * @internal
 */
export const portRule: ConfigRule = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535 ? null : 'must be an integer port in [0, 65535]');
/** @internal @example `pathRule('x') // "must be a path starting with '/'"` */
export const pathRule: ConfigRule = (v) => (typeof v === 'string' && v.startsWith('/') ? null : "must be a path starting with '/'");
/** @internal @example `originsRule(['*']) // null` */
export const originsRule: ConfigRule = (v) => (Array.isArray(v) && v.every((o) => typeof o === 'string' && o.length > 0) ? null : 'must be an array of origins (strings), or ["*"]');
/** @internal @example `fnRule(() => true) // null` */
export const fnRule: ConfigRule = (v) => (typeof v === 'function' ? null : 'must be a function (engine API only)');
/** @internal @example `serverRule(http.createServer()) // null` */
export const serverRule: ConfigRule = (v) =>
  v !== null && typeof v === 'object' && typeof (v as { on?: unknown }).on === 'function' && typeof (v as { listen?: unknown }).listen === 'function'
    ? null
    : 'must be an http.Server (engine API only)';
/** @internal @example `wsUrlRule('ws://127.0.0.1:8080/in') // null` */
export const wsUrlRule: ConfigRule = (v) => {
  if (typeof v !== 'string') return 'must be a ws:// or wss:// URL';
  try {
    const u = new URL(v);
    return u.protocol === 'ws:' || u.protocol === 'wss:' ? null : 'must be a ws:// or wss:// URL';
  } catch {
    return 'must be a ws:// or wss:// URL';
  }
};

/**
 * The problems of a server-or-client endpoint config: `client` needs `url` and none of the
 * server keys; `server` needs `port` or `server` (one of them).
 *
 * @example
 * ```ts
 * endpointProblems({ mode: 'client' }); // ["mode 'client' needs url"]
 * ```
 * @internal
 */
export function endpointProblems(c: Readonly<Record<string, unknown>>): string[] {
  if (c.mode === 'client') {
    const extra = ['port', 'host', 'path', 'server', 'allowedOrigins', 'token', 'authorize', 'maxClients'].filter((k) => c[k] !== undefined);
    return [...(c.url === undefined ? ["mode 'client' needs url"] : []), ...(extra.length ? [`mode 'client' takes no ${extra.join(', ')} (server keys)`] : [])];
  }
  if (c.url !== undefined) return ["url is for mode 'client'"];
  if ((c.port === undefined) === (c.server === undefined)) return ["mode 'server' needs port (to listen) or server (an http.Server to attach to), one of them"];
  if (c.server !== undefined && c.host !== undefined) return ['host is for listening on port, not with server'];
  return [];
}

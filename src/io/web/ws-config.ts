import { atLeastOne, checkConfig, delay, oneOf, text, type ConfigRule } from '../../actors/workflow/config-rules.js';
import { PAYLOAD_FORMATS, type PayloadFormat } from '../payload.js';
import { endpointProblems, fnRule, originsRule, pathRule, portRule, serverRule, wsUrlRule } from './rules.js';
import type { WsSettings } from './ws-endpoint.js';

const ENDPOINT: Record<string, ConfigRule> = {
  mode: oneOf(['server', 'client']),
  url: wsUrlRule,
  host: text,
  port: portRule,
  server: serverRule,
  path: pathRule,
  allowedOrigins: originsRule,
  token: text,
  authorize: fnRule,
  maxPayloadBytes: atLeastOne,
  maxClients: atLeastOne,
  reconnectMinMs: delay,
  reconnectMaxMs: delay,
  format: oneOf(PAYLOAD_FORMATS),
};

/**
 * Validates a `websocket in` / `websocket out` config: the endpoint keys plus `extra`.
 *
 * @example
 * ```ts
 * wsConfigProblems({ mode: 'client' }, {}); // ["mode 'client' needs url"]
 * ```
 * @internal
 */
export function wsConfigProblems(c: Readonly<Record<string, unknown>>, extra: Record<string, ConfigRule>): string[] {
  return [...checkConfig(c, { ...ENDPOINT, ...extra }), ...endpointProblems(c)];
}

/** The default largest message: 1 MiB. @internal @example `DEFAULT_MAX_PAYLOAD // 1048576` */
export const DEFAULT_MAX_PAYLOAD = 1 << 20;

/**
 * The endpoint settings and payload format of a validated config, defaults filled in.
 *
 * @example
 * ```ts
 * const { settings, format } = wsSettings(ctx.config);
 * ```
 * @internal
 */
export function wsSettings(c: Readonly<Record<string, unknown>>): { settings: WsSettings; format: PayloadFormat } {
  const settings = {
    ...(c as Partial<WsSettings>),
    mode: (c.mode as WsSettings['mode'] | undefined) ?? 'server',
    maxPayloadBytes: (c.maxPayloadBytes as number | undefined) ?? DEFAULT_MAX_PAYLOAD,
    maxClients: (c.maxClients as number | undefined) ?? 100,
  } satisfies WsSettings;
  return { settings, format: (c.format as PayloadFormat | undefined) ?? 'json' };
}

// @nodeflow/runtime/server: serve a StreamEngine to remote dashboards over WebSocket (Node only).
export { serveEngine, type RemoteServer, type ServerStats } from './serve.js';
export type { ServeOptions, AuthorizeResult } from './options.js';
export { DEFAULT_LIMITS, CloseCode, CLOSE_REASON, PROTOCOL_VERSION, SUBPROTOCOL, reconnectable, type RemoteLimits } from '../remote/protocol.js';

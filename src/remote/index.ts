// @nodeflow/runtime/remote: a StreamEngine served elsewhere, read over WebSocket. Browser-safe:
// no node: module, no ws, no React.
export { connectEngine, RemoteEngine, EMPTY_METRICS, type ConnectOptions } from './remote-engine.js';
export { RemoteWidget, type ObserveOptions } from './remote-widget.js';
export { RemoteConnection, RemoteNode, RemoteActor, type RemoteSnapshot } from './remote-parts.js';
export type { RemoteStatus, ReconnectOptions, WebSocketConstructor } from './link.js';
export type { FrameScheduler } from './credit.js';
export { decodeFrame, encodeFrame, FrameError, type DataBatch } from './codec.js';
export { parseClientFrame, type ParseResult } from './control.js';
export { PROTOCOL_VERSION, SUBPROTOCOL, DEFAULT_LIMITS, CloseCode, CLOSE_REASON, reconnectable, type CloseCodeValue, type RemoteLimits, type ClientMessage, type ServerMessage, type WireEvent, type WireNode, type WireTopology } from './protocol.js';

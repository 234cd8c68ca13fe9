// A client that subscribes to every widget, grants credit, then stops reading its socket (as a
// frozen tab or a dead link would) while it keeps granting: what bench:remote runs beside the
// page to check that one stalled client does not slow the others.
import WebSocket from 'ws';

const SUBPROTOCOL = 'nodeflow.v1';

/** Resolves once the client has its first data frame and has stopped reading; `close()` ends it. */
export async function stalledClient(url, widgetIds) {
  const ws = new WebSocket(url, SUBPROTOCOL);
  let firstData;
  const gotData = new Promise((r) => (firstData = r));
  ws.on('message', (data, isBinary) => {
    if (isBinary) return firstData();
    const m = JSON.parse(String(data));
    if (m.type === 'welcome') widgetIds.forEach((w, i) => ws.send(JSON.stringify({ type: 'sub', s: i + 1, w, buf: 100_000, iv: 8, cr: 16 })));
  });
  ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', v: 1 })));
  await gotData;
  ws.pause();
  const grants = widgetIds.map((_, i) => [i + 1, 16]);
  const granting = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: 'credit', g: grants })), 100);
  return {
    close: () => {
      clearInterval(granting);
      ws.terminate();
    },
  };
}

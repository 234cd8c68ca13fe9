#!/usr/bin/env node
// Offline inspection relay: a local WebSocket server (@statelyai/inspect's createInspectorServer)
// that forwards every inspection event an app sends to every other client, e.g. the
// "Inspector/Relay viewer/Local Relay" story. Nothing leaves the machine; the HTTP page the
// server also serves embeds stately.ai and is not used here.
//   node scripts/inspector-relay.mjs [port]      (default 8080)
import { createInspectorServer } from '@statelyai/inspect/server';

const port = Number(process.argv[2] ?? 8080);
const server = createInspectorServer({ port, autoOpen: false });
console.log(`inspection relay on ws://127.0.0.1:${port}`);
console.log(`app:    new StreamEngine(config, { inspect: createWebSocketInspector({ url: 'ws://127.0.0.1:${port}' }).inspect })`);
console.log(`viewer: npm run storybook, then "Inspector/Relay viewer/Local Relay" (url arg ws://127.0.0.1:${port})`);
const stop = () => {
  server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

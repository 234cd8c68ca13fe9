import { describe, expect, it } from 'vitest';
import { WorkflowEngine } from '../../../src/index.js';
import { registerIoNodeTypes } from '../../../src/io/index.js';
import { backoffDelay } from '../../../src/io/web/backoff.js';

const problems = (type: string, config: Record<string, unknown>) => {
  const wf = new WorkflowEngine();
  registerIoNodeTypes(wf);
  return wf.nodeTypes().find((t) => t.type === type)!.validateConfig!(config);
};

describe('web node configs are checked up front', () => {
  it('refuses unknown keys, a client without url, server keys on a client, a server with neither or both of port and server', () => {
    expect(problems('websocket in', { port: 1, nope: 1 })).toEqual([expect.stringContaining("unknown config key 'nope'")]);
    expect(problems('websocket in', { mode: 'client' })).toEqual(["mode 'client' needs url"]);
    expect(problems('websocket out', { mode: 'client', url: 'ws://x/', port: 1 })).toEqual(["mode 'client' takes no port (server keys)"]);
    expect(problems('websocket in', {})).toEqual([expect.stringContaining('needs port')]);
    expect(problems('websocket in', { mode: 'client', url: 'http://x/' })).toEqual(['url must be a ws:// or wss:// URL']);
    expect(problems('websocket in', { port: 70000, path: 'x', allowedOrigins: 'x' })).toHaveLength(3);
    expect(problems('http in', {})).toEqual(['port is required']);
    expect(problems('http in', { port: 1, body: 'xml' })).toEqual(['body must be one of json, ndjson, text']);
    expect(problems('sse out', { port: 1, maxQueueBytes: 0 })).toEqual(['maxQueueBytes must be an integer >= 1']);
    expect(problems('websocket in', { port: 8080, path: '/in', token: 't', allowedOrigins: ['*'] })).toEqual([]);
  });

  it('reconnects with a doubling, capped, jittered delay', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, 100, 500, () => 0))).toEqual([100, 200, 400, 500]);
    expect(backoffDelay(0, 100, 500, () => 1)).toBe(80);
  });
});

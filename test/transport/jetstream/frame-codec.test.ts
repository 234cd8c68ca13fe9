import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, FrameDecodeError } from '../../../src/transport/jetstream/frame-codec.js';
import { decodeHint, encodeHint } from '../../../src/transport/jetstream/headers.js';
import { checkToken, runNames } from '../../../src/transport/jetstream/names.js';
import { NodeflowError } from '../../../src/errors.js';
import type { StreamMessage } from '../../../src/message.js';
import { simWorkflow } from '../../support/workflow.js';
import { messages } from './helpers.js';

describe('JetStream frame codec', () => {
  it('round-trips a frame of messages, fields and data intact', () => {
    const ms = messages(3, 4).map((m, i) => ({ ...m, priority: 'high' as const, key: i }));
    expect(decodeFrame(encodeFrame(ms), 'here')).toEqual(ms);
    expect(decodeFrame(encodeFrame([]), 'here')).toEqual([]);
  });

  it('round-trips the messages a workflow really carries: no targetNodeId (emitters leave it out), undefined data', async () => {
    const { wf, runToEnd } = simWorkflow({ maxBatchSize: 4 });
    const seen: StreamMessage[] = [];
    wf.registerNodeType({ type: 'test.keep', kind: 'sink', inputs: { in: {} }, create: () => ({ process: (b) => void seen.push(...b.messages) }) });
    wf.registerNodeType({ type: 'test.nothing', kind: 'transform', inputs: { in: {} }, outputs: { out: {} }, create: (ctx) => {
      const out = ctx.output('out');
      return { process: (b) => b.messages.forEach((m) => out(undefined, m)) };
    } });
    const run = await wf.executeWorkflow({
      nodes: [{ id: 's', type: 'source.sequential', config: { count: 6 } }, { id: 'x', type: 'transform.map', config: { scale: 2 } }, { id: 'u', type: 'test.nothing' }, { id: 'k', type: 'test.keep' }],
      edges: [{ source: 's', sourcePort: 'out', target: 'x', targetPort: 'in' }, { source: 'x', sourcePort: 'out', target: 'k', targetPort: 'in' }, { source: 's', sourcePort: 'out', target: 'u', targetPort: 'in' }, { source: 'u', sourcePort: 'out', target: 'k', targetPort: 'in' }],
    });
    await runToEnd(run);
    expect(seen).toHaveLength(12);
    expect(seen.some((m) => 'targetNodeId' in m)).toBe(false); // what broke the first version of the codec
    expect(seen.filter((m) => m.sourceNodeId === 'u').every((m) => 'data' in m && m.data === undefined)).toBe(true);
    const back = decodeFrame(encodeFrame(seen), 'here');
    expect(back).toStrictEqual(seen);
  });

  it('data JSON cannot write is INVALID_MESSAGE at the producer, not a frame nobody can read', () => {
    const m = { ...messages(1, 1)[0]!, data: 10n };
    expect(() => encodeFrame([m])).toThrow(expect.objectContaining({ code: 'INVALID_MESSAGE' }));
  });

  it.each([
    ['not UTF-8', new Uint8Array([0xff, 0xfe, 0x5b])],
    ['not JSON', new TextEncoder().encode('[{')],
    ['not an array', new TextEncoder().encode('{"id":1}')],
    ['an element without a timestamp', new TextEncoder().encode('[{"id":1,"sourceNodeId":"a","targetNodeId":"b","port":"in"}]')],
    ['an element that is null', new TextEncoder().encode('[null]')],
    ['an element with a bad priority', new TextEncoder().encode('[{"id":1,"timestamp":1,"sourceNodeId":"a","port":"in","data":1,"priority":"urgent"}]')],
  ])('a body that is %s is a FrameDecodeError naming where it came from, never data', (_, bytes) => {
    let thrown: unknown;
    try {
      decodeFrame(bytes, 'nodeflow.r.e #9');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FrameDecodeError);
    expect((thrown as FrameDecodeError).code).toBe('INVALID_MESSAGE');
    expect((thrown as FrameDecodeError).message).toContain('nodeflow.r.e #9');
  });
});

describe('JetStream names and hints', () => {
  it('derives every subject and stream from the run and edge', () => {
    const n = runNames('r-1');
    expect([n.stream, n.deadLetterStream, n.subject('a_b'), n.deadLetterSubject('a_b'), n.hintSubject('a_b'), n.durable('a_b')]).toEqual([
      'nodeflow_r-1', 'nodeflow_dl_r-1', 'nodeflow.r-1.a_b', 'nodeflow.dl.r-1.a_b', 'nodeflow.hint.r-1.a_b', 'a_b',
    ]);
  });

  it.each(['a.b', 'a*', '>', '', 'with space', 'x'.repeat(65), 7])('rejects %j as a subject token with INVALID_ARGUMENT', (bad) => {
    expect(() => checkToken('edge', bad)).toThrow(NodeflowError);
    expect(() => runNames(bad as string)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('refuses run names whose stream subjects would capture dead letters or hints', () => {
    expect(() => runNames('dl')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => runNames('hint')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('hints round-trip and a malformed one is ignored, not trusted', () => {
    expect(decodeHint(encodeHint(12, [4, 5, 7]))).toEqual({ dlSeq: 12, seqs: [4, 5, 7] });
    expect(decodeHint(encodeHint(0, []))).toEqual({ dlSeq: 0, seqs: [] });
    for (const bad of ['', '4,5', 'x;1', '0;1,a', '0;-1', '0;1.5']) expect(decodeHint(bad)).toBeUndefined();
  });
});

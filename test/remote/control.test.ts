import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClientFrame } from '../../src/remote/control.js';
import { CLOSE_REASON, reconnectable } from '../../src/remote/protocol.js';
import { propParams } from '../support/helpers.js';

const DOCUMENTED = new Set([4500, 4501, 4502, 4503, 4504, 4505, 4506]);

describe('parseClientFrame', () => {
  it('accepts each well-formed client frame as written', () => {
    const frames = [
      { type: 'hello', v: 1, enc: ['nf1'] },
      { type: 'sub', s: 1, w: 'chart', buf: 500, iv: 16, cr: 2 },
      { type: 'sub', s: 2, w: 'chart', buf: 10, iv: 0, cr: 0, since: { e: 'abc.1', q: 42 } },
      { type: 'unsub', s: 1 },
      { type: 'credit', g: [[1, 2], [3, 1]] },
      { type: 'metrics', iv: 1000 },
      { type: 'ping', t: 123.5 },
    ];
    for (const f of frames) {
      const r = parseClientFrame(JSON.stringify(f));
      expect(r.ok, JSON.stringify(f)).toBe(true);
      if (r.ok) expect(r.msg.type).toBe(f.type);
    }
  });

  it.each([
    ['not json', '{', 4500],
    ['an array', '[1]', 4500],
    ['a string', '"hello"', 4500],
    ['__proto__ key', '{"type":"ping","t":1,"__proto__":{"x":1}}', 4500],
    ['constructor key', '{"type":"ping","t":1,"constructor":1}', 4500],
    ['unknown type', '{"type":"subscribe"}', 4501],
    ['inherited type name', '{"type":"toString"}', 4501],
    ['wrong version', '{"type":"hello","v":2}', 4502],
    ['negative s', '{"type":"sub","s":-1,"w":"c","buf":1,"iv":0,"cr":1}', 4504],
    ['fractional buf', '{"type":"sub","s":1,"w":"c","buf":1.5,"iv":0,"cr":1}', 4504],
    ['empty widget id', '{"type":"sub","s":1,"w":"","buf":1,"iv":0,"cr":1}', 4504],
    ['overlong widget id', JSON.stringify({ type: 'sub', s: 1, w: 'x'.repeat(257), buf: 1, iv: 0, cr: 1 }), 4504],
    ['zero credit', '{"type":"credit","g":[[1,0]]}', 4504],
    ['extra field', '{"type":"unsub","s":1,"x":2}', 4504],
    ['NaN-like ping', '{"type":"ping","t":"1"}', 4504],
  ])('refuses %s with its close code', (_, text, code) => {
    const r = parseClientFrame(text);
    expect(r).toMatchObject({ ok: false, code });
  });

  it('never throws and answers any input with a message or a documented code and a short reason', () => {
    const anyJson = fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.dictionary(fc.constantFrom('type', 's', 'w', 'g', '__proto__', 'v', 'iv'), fc.jsonValue()).map((o) => JSON.stringify(o)));
    fc.assert(
      fc.property(anyJson, (text) => {
        const r = parseClientFrame(text);
        if (!r.ok) {
          expect(DOCUMENTED.has(r.code)).toBe(true);
          expect(new TextEncoder().encode(r.reason).length).toBeLessThanOrEqual(123);
        }
      }),
      propParams,
    );
  });
});

describe('close codes', () => {
  it('reconnects on going-away, abnormal and 4000-4499 closes, and stops on the rest', () => {
    for (const c of [1001, 1005, 1006, 1011, 1012, 1013, 4000, 4001, 4008, 4009, 4499]) expect(reconnectable(c), String(c)).toBe(true);
    for (const c of [1000, 1002, 1003, 1007, 1008, 1009, 4500, 4504, 4999]) expect(reconnectable(c), String(c)).toBe(false);
    for (const reason of Object.values(CLOSE_REASON)) expect(reason.length).toBeLessThanOrEqual(123);
  });
});

import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../src/record/file-log/crc32.js';

describe('crc32 (plain JS, slicing-by-8)', () => {
  it('gives the IEEE check value and agrees with zlib on every length and offset', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const bytes = new Uint8Array(2048).map((_, i) => (i * 7919 + (i >> 3)) & 255);
    const z = (zlib as { crc32?: (b: Uint8Array) => number }).crc32;
    // Every length 0..70 at offsets 0..9 covers the 8-byte loop, the tail loop and their seams.
    for (let start = 0; start < 10; start++) {
      for (let len = 0; len <= 70; len++) {
        const want = z ? z(bytes.subarray(start, start + len)) : undefined;
        if (want !== undefined) expect(crc32(bytes, start, start + len)).toBe(want);
      }
    }
    expect(crc32(bytes)).toBe(z ? z(bytes) : crc32(bytes.slice()));
  });
});

/** The blocked float32 head gives the same doubles as one class at a time, terms in order j = 0, 1, ... */
import { describe, expect, it } from 'vitest';
import type { InferenceParts } from '../../src/models/inference.js';
import { headRow } from '../../src/models/readout.js';

function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * 2 - 1;
  });
}

describe('headRow', () => {
  for (const classes of [1, 3, 4, 7, 9]) {
    it(`${classes} classes: bit-identical to the plain loop`, () => {
      const hLen = 37;
      const parts = { headWeight: values(classes * hLen, classes), headBias: values(classes, 99), classes } as unknown as InferenceParts;
      const h = values(3 * hLen, 7);
      const out = new Float64Array(classes);
      headRow(parts, h, hLen, hLen, out);
      const expected = Array.from({ length: classes }, (_, c) => {
        let s = (parts.headBias as Float32Array)[c];
        for (let j = 0; j < hLen; j++) s += (parts.headWeight as Float32Array)[c * hLen + j] * h[hLen + j];
        return s;
      });
      expect(Array.from(out)).toEqual(expected);
    });
  }
});

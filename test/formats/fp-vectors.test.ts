/**
 * The float formats against ml_dtypes' decode tables in test/vectors (an independent C++ implementation):
 * every code must decode to the same float64 (−0 included) and every NaN code must be a NaN. The
 * ml_dtypes formats qacc does not name (float8_e4m3 IEEE-like, float8_e3m4, float8_e4m3b11fnuz) are
 * checked through generic fp(E, M, bias, variant) instances. The header facts of each file (max finite,
 * inf codes, NaN codes, the stated overflow threshold) are checked too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  E8M0,
  FP4_E2M1,
  FP6_E2M3,
  FP6_E3M2,
  FP8_E4M3,
  FP8_E4M3FNUZ,
  FP8_E5M2,
  FP8_E5M2FNUZ,
  fp,
  type FpFormat,
} from '../../src/formats/float.js';

const CASES: Array<[string, FpFormat]> = [
  ['float8_e4m3fn', FP8_E4M3],
  ['float8_e5m2', FP8_E5M2],
  ['float8_e4m3fnuz', FP8_E4M3FNUZ],
  ['float8_e5m2fnuz', FP8_E5M2FNUZ],
  ['float6_e2m3fn', FP6_E2M3],
  ['float6_e3m2fn', FP6_E3M2],
  ['float4_e2m1fn', FP4_E2M1],
  ['float8_e8m0fnu', E8M0],
  ['float8_e4m3', fp(4, 3, 7, 'ieee')],
  ['float8_e3m4', fp(3, 4, 3, 'ieee')],
  ['float8_e4m3b11fnuz', fp(4, 3, 11, 'fnuz')],
];

function parseValue(text: string): number {
  if (text === 'nan') return NaN;
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text); // %.17g text parses back to the exact float64; "-0" gives -0
}

describe('ml_dtypes decode vectors', () => {
  for (const [file, fmt] of CASES) {
    const text = readFileSync(join(__dirname, '../vectors', `${file}.decode.txt`), 'utf8');
    const lines = text.split('\n');
    const header = lines.filter((l) => l.startsWith('#')).join('\n');
    const rows = lines.filter((l) => l.trim() !== '' && !l.startsWith('#')).map((l) => l.trim().split(/\s+/));

    it(`${fmt.name} = ${file}: every code decodes identically`, () => {
      expect(rows.length).toBe(2 ** fmt.bits);
      const bad: string[] = [];
      for (const [codeText, valueText] of rows) {
        const code = Number(codeText);
        const want = parseValue(valueText);
        const got = fmt.decode(code);
        const ok = Number.isNaN(want) ? Number.isNaN(got) && fmt.isNaN(code) : Object.is(got, want) && !fmt.isNaN(code);
        if (!ok || fmt.isInf(code) !== (want === Infinity || want === -Infinity)) bad.push(`${codeText}: ${got} vs ${valueText}`);
      }
      expect(bad).toEqual([]);
    });

    it(`${fmt.name} = ${file}: header facts (max, inf/NaN codes, overflow threshold)`, () => {
      const max = /max ([\d.]+)/.exec(header);
      if (max) expect(fmt.max).toBe(Number(max[1]));
      const inf = /\+-inf=(0x[0-9a-f]+)\/(0x[0-9a-f]+)/.exec(header);
      if (inf) expect([fmt.encode(Infinity), fmt.encode(-Infinity)]).toEqual([Number(inf[1]), Number(inf[2])]);
      const threshold = /overflow \|x\|>=([\d.]+) -> inf/.exec(header);
      if (threshold) {
        const t = Number(threshold[1]);
        expect(fmt.decode(fmt.encode(t))).toBe(Infinity);
        expect(fmt.decode(fmt.encode(t - 2 ** -20))).toBe(fmt.max);
      }
      if (/no -0/.test(header)) expect(fmt.decode(fmt.encode(-0))).toBe(0);
      if (/NaN=0x80/.test(header)) expect(fmt.encode(NaN)).toBe(0x80);
      if (/NaN=0x7f\/0xff/.test(header)) expect(fmt.encode(NaN)).toBe(0x7f);
    });
  }
});

/**
 * Properties the language accepts but no backend could honor are rejected by `qacc check` with a
 * located diagnostic (issue 10): weight_bits_per_cycle other than the two bits per cycle the bit-serial
 * golden model and RTL implement (E311), a DRAM bandwidth that is not a whole number of bytes per cycle
 * (E311: the DMA moves whole bytes per beat, so 1 b/cycle used to run as 8), more than one PE array per
 * accelerator (E311: compiler, simulator and RTL drive one), a buffer listed twice (E318: it was counted
 * twice), and an int8 × int8 MAC with a non-int32 accumulator (E409: the datapath sums in int32). The
 * accepted neighbours of each case still elaborate, and every error points at the offending text.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryHost } from '../../src/dsl/program.js';
import { compileFile } from '../../src/ir/elaborate.js';

const BSM = (wbpc: string): string => `scheme w : mixture { candidates = [bitmod_fp4_er_pos, bitmod_fp4_er_neg, bitmod_fp4_ea_pos, bitmod_fp4_ea_neg]; group = 128; scale = uint8; channel_scale = fp16; }
pe p : bit_serial_mod { weights = w; ${wbpc} }`;
const MAC = (acc: string): string => `pe p : mac { weights = int8; activations = int8; ${acc} }`;
const REST = (accel: string): string => `
array a { pe = p; rows = 2; cols = 2; }
array b { pe = p; rows = 4; cols = 4; }
buffer wb { size = 4 KiB; width = 64; banks = 1; role = weights; }
buffer ab { size = 4 KiB; width = 64; banks = 1; role = activations; }
${accel}
`;
const ACCEL = (props: string): string => `accelerator x { ${props} clock = 1 GHz; }`;

/** Compiles `text`; returns its errors as `line:col code` plus the message, and the design. */
function check(text: string) {
  const c = compileFile('t.qacc', memoryHost({ 't.qacc': text }));
  return { errors: c.diagnostics.filter((d) => d.severity === 'error'), design: c.design };
}

/** 1-based line and column of the first occurrence of `needle` (after `from`, when given) in `text`. */
function where(text: string, needle: string, from = ''): { line: number; column: number } {
  const offset = text.indexOf(needle, from ? text.indexOf(from) : 0);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function expectOneError(text: string, code: string, at: { line: number; column: number }, message: RegExp): void {
  const { errors, design } = check(text);
  expect(design).toBeUndefined();
  expect(errors.map((e) => ({ code: e.code, line: e.span?.start.line, column: e.span?.start.column }))).toEqual([{ code, ...at }]);
  expect(errors[0].message).toMatch(message);
}

const GOOD_ACCEL = ACCEL('arrays = a; buffers = [wb, ab]; dram = 64 b/cycle;');

describe('declared properties no backend honors are rejected where they are written', () => {
  it('weight_bits_per_cycle: only the 2 the bit-serial datapath implements', () => {
    expect(check(BSM('weight_bits_per_cycle = 2;') + REST(GOOD_ACCEL)).errors).toEqual([]);
    expect(check(BSM('') + REST(GOOD_ACCEL)).errors).toEqual([]);
    for (const v of [1, 3, 4]) {
      const text = BSM(`weight_bits_per_cycle = ${v};`) + REST(GOOD_ACCEL);
      expectOneError(text, 'E311', where(text, `${v};`, 'weight_bits_per_cycle'), new RegExp(`weight_bits_per_cycle must be 2 .*supported: \\{2\\}.*found ${v}`));
    }
  });

  it('the DRAM bandwidth: a whole number of bytes per cycle', () => {
    for (const ok of ['8 b/cycle', '24 b/cycle', '1 B/cycle']) {
      const r = check(MAC('') + REST(ACCEL(`arrays = a; buffers = [wb, ab]; dram = ${ok};`)));
      expect(r.errors, ok).toEqual([]);
    }
    for (const bad of ['1 b/cycle', '12 b/cycle', '4 b/cycle']) {
      const text = MAC('') + REST(ACCEL(`arrays = a; buffers = [wb, ab]; dram = ${bad};`));
      expectOneError(text, 'E311', where(text, bad), /DRAM bandwidth must be a whole number of bytes per cycle/);
    }
  });

  it('one PE array per accelerator', () => {
    const text = MAC('') + REST(ACCEL('arrays = [a, b]; buffers = [wb, ab]; dram = 64 b/cycle;'));
    expectOneError(text, 'E311', where(text, 'b]', 'arrays = ['), /one array .*found 2/);
  });

  it('a buffer listed twice', () => {
    const text = MAC('') + REST(ACCEL('arrays = a; buffers = [wb, ab, wb]; dram = 64 b/cycle;'));
    expectOneError(text, 'E318', where(text, 'wb]', 'buffers = ['), /buffer 'wb' is listed twice in the buffers of accelerator 'x'/);
  });

  it('an int8 × int8 MAC accumulates in int32 (its default); other accumulators are refused', () => {
    const plain = check(MAC('') + REST(GOOD_ACCEL));
    expect(plain.errors).toEqual([]);
    const pe = plain.design?.accelerators[0].arrays[0].pe;
    expect(pe?.kind === 'mac' && pe.accumulator.name).toBe('int32');
    expect(check(MAC('accumulator = int32;') + REST(GOOD_ACCEL)).errors).toEqual([]);
    for (const acc of ['fp16', 'fp32', 'int16']) {
      const text = MAC(`accumulator = ${acc};`) + REST(GOOD_ACCEL);
      expectOneError(text, 'E409', where(text, `${acc};`, 'accumulator'), new RegExp(`int8 × int8 MAC accumulates exactly in int32 .*found accumulator = ${acc}`));
    }
  });
});

describe('a property every backend implements is not warned about', () => {
  it('lowrank_gemm activation_quant = runtime (the example declares it on both PEs): checks without a warning', () => {
    const example = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../examples/svdquant.qacc'), 'utf8');
    expect(example.match(/activation_quant = runtime;/gu)).toHaveLength(2);
    expect(compileFile('t.qacc', memoryHost({ 't.qacc': example })).diagnostics).toEqual([]);
  });
});

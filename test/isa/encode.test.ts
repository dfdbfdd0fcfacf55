/**
 * Encoder/decoder: every instruction round-trips over random field values and matches the oracle encoder
 * of test/isa/oracle.ts (BigInt shifts over the raw JSON); a few words are worked out by hand from the
 * field tables; every field rejects values just outside its range; the decoder rejects unknown opcodes,
 * set reserved bits, nameless enum codes and values under a field's minimum.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createInstruction, decodeInstruction, encodeInstruction } from '../../src/isa/encode.js';
import { IsaError } from '../../src/isa/errors.js';
import type { Instruction } from '../../src/isa/generated-types.js';
import { ALL_NAMES, RAW_ISA, instructionArbitrary, numericRange, oracleEncode, rawInstruction } from './oracle.js';

const enc = (x: Record<string, unknown>) => encodeInstruction(x as unknown as Instruction);

function expectIsaError(fn: () => unknown, code: string, message: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(IsaError);
  expect((thrown as IsaError).code).toBe(code);
  expect((thrown as IsaError).message).toMatch(message);
}

describe('encodeInstruction / decodeInstruction', () => {
  for (const name of ALL_NAMES) {
    it(`${name}: encodes like the oracle and decodes back (random fields)`, () => {
      fc.assert(
        fc.property(instructionArbitrary(name), (inst) => {
          const word = enc(inst);
          expect(word).toBe(oracleEncode(inst));
          expect(word >> BigInt(RAW_ISA.wordBits)).toBe(0n);
          expect(decodeInstruction(word)).toEqual(inst);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('matches hand-computed words', () => {
    expect(enc({ kind: 'halt' })).toBe(0n);
    // loop: opcode 1, count at bit 16, body at bit 32.
    expect(enc({ kind: 'loop', count: 4, body: 3 })).toBe(0x3_0004_0001n);
    // addi a1 <- a2 + (-1): opcode 3, rd bits 19:16, rs bits 23:20, imm (32-bit two's complement) at 32.
    expect(enc({ kind: 'addi', rd: 1, rs: 2, imm: -1 })).toBe((0xffffffffn << 32n) | (2n << 20n) | (1n << 16n) | 3n);
    // load to wgt (code 1) from a3 + 0x10, 16 rows of 64 bytes, DRAM stride 4096, push_next (bit 9).
    const load = {
      kind: 'load', pop_next: false, push_next: true, buf: 'wgt', dram_reg: 3, dram_off: 0x10, buf_addr: 0x200, rows: 16, row_bytes: 64, dram_stride: 4096,
    };
    expect(enc(load)).toBe(9n | (1n << 9n) | (1n << 16n) | (3n << 20n) | (0x10n << 24n) | (0x200n << 48n) | (16n << 72n) | (64n << 88n) | (4096n << 104n));
    // setfmt act=fp16 (13), wgt=bitmod_fp4 (32), out=fp16 (13), rounding=rtz (1).
    const fmt = { kind: 'setfmt', pop_prev: false, pop_next: false, push_prev: false, push_next: false, act: 'fp16', wgt: 'bitmod_fp4', raw: 'none', gscale: 'none', cscale: 'none', bias: 'none', acc: 'none', out: 'fp16', lr: 'none', rounding: 'rtz' };
    expect(enc(fmt)).toBe(17n | (13n << 16n) | (32n << 22n) | (13n << 58n) | (1n << 70n));
    // The highest field of the ISA reaches bit 127: store's DRAM stride at its maximum.
    const store = { kind: 'store', pop_prev: true, push_prev: false, buf: 'out', dram_reg: 0, dram_off: 0, buf_addr: 0, rows: 1, row_bytes: 1, dram_stride: 2 ** 24 - 1 };
    expect(enc(store)).toBe(41n | (1n << 6n) | (3n << 16n) | (1n << 72n) | (1n << 88n) | (0xffffffn << 104n));
  });

  it('rejects values just outside every numeric field, naming instruction and field', () => {
    for (const name of ALL_NAMES) {
      const def = rawInstruction(name);
      const base = fc.sample(instructionArbitrary(name), { numRuns: 1, seed: 1 })[0];
      for (const f of def.fields.filter((x) => x.type !== 'bool' && x.type !== 'enum')) {
        const [min, max] = numericRange(f);
        for (const bad of [min - 1n, max + 1n]) {
          expectIsaError(() => enc({ ...base, [f.name]: Number(bad) }), 'out-of-range', new RegExp(`^${name}\\.${f.name}: ${bad} is out of range ${min}\\.\\.${max}`));
        }
        expectIsaError(() => enc({ ...base, [f.name]: 1.5 }), 'bad-field', new RegExp(`${name}\\.${f.name}: expected an integer`));
      }
    }
  });

  it('rejects bad enum names, non-boolean flags, unknown, missing and extra fields', () => {
    const tile = { kind: 'mac_tile', pop_prev: false, pop_next: false, push_prev: false, push_next: false, clear: true, act: 0, wgt: 0, acc: 0 };
    expect(() => enc(tile)).not.toThrow();
    expectIsaError(() => enc({ ...tile, clear: 1 }), 'bad-field', /mac_tile\.clear: expected a boolean, got 1/);
    const load = fc.sample(instructionArbitrary('load'), { numRuns: 1, seed: 2 })[0];
    expectIsaError(() => enc({ ...load, buf: 'dram' }), 'out-of-range', /load\.buf: 'dram' is not one of act\|wgt\|meta\|out\|lrw/);
    expectIsaError(() => enc({ ...tile, act: undefined }), 'bad-field', /mac_tile\.act is missing/);
    expectIsaError(() => enc({ ...tile, meta: 0 }), 'bad-field', /mac_tile has no field 'meta'/);
    expectIsaError(() => enc({ kind: 'jump' }), 'unknown-instruction', /unknown instruction 'jump'/);
  });

  it('decodes strictly', () => {
    expectIsaError(() => decodeInstruction(0x3fn), 'bad-word', /unknown opcode 0x3f/);
    expectIsaError(() => decodeInstruction(1n << 127n), 'bad-word', /halt: reserved bits 0x80000000000000000000000000000000 are set/);
    // lsync has no prev flags: bit 6 is reserved there.
    expectIsaError(() => decodeInstruction(8n | (1n << 6n)), 'bad-word', /lsync: reserved bits 0x40 are set/);
    // setfmt act code 17 is not a format.
    expectIsaError(() => decodeInstruction(17n | (17n << 16n)), 'bad-word', /setfmt\.act: code 17 has no name/);
    // loop with count 0 is below the minimum 1.
    expectIsaError(() => decodeInstruction(1n | (1n << 32n)), 'bad-word', /loop\.count: 0 is below the minimum 1/);
    expectIsaError(() => decodeInstruction(1n << 128n), 'bad-word', /more than 128 bits/);
    expectIsaError(() => decodeInstruction(-1n), 'bad-word', /negative/);
  });

  it('re-encodes every word it accepts to the same word (random raw field codes)', () => {
    // Words built from an opcode and arbitrary raw codes in each field's bits (including enum codes
    // without a name and values under a minimum), sometimes with one reserved bit set.
    const arb = fc.constantFrom(...RAW_ISA.instructions).chain((def) => {
      const used = def.fields.reduce((m, f) => m | (((1n << BigInt(f.width)) - 1n) << BigInt(f.lsb)), 0x3fn);
      const reserved = [...Array(RAW_ISA.wordBits).keys()].filter((b) => ((used >> BigInt(b)) & 1n) === 0n);
      return fc.tuple(
        fc.tuple(...def.fields.map((f) => fc.bigInt({ min: 0n, max: (1n << BigInt(f.width)) - 1n }).map((c) => c << BigInt(f.lsb)))),
        fc.option(fc.constantFrom(...reserved), { freq: 4 }),
      ).map(([codes, bit]) => ({ def, word: codes.reduce((w, c) => w | c, BigInt(def.opcode)) | (bit === null ? 0n : 1n << BigInt(bit)), reservedSet: bit !== null }));
    });
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(arb, ({ def, word, reservedSet }) => {
        let inst: Instruction;
        try {
          inst = decodeInstruction(word);
        } catch (err) {
          expect(err).toBeInstanceOf(IsaError);
          rejected++;
          return;
        }
        expect(reservedSet).toBe(false);
        expect(inst.kind).toBe(def.name);
        expect(encodeInstruction(inst)).toBe(word);
        accepted++;
      }),
      { numRuns: 800 },
    );
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(50);
  });

  it('createInstruction fills omitted optional fields with their zero value', () => {
    const inst = createInstruction('setfmt', { act: 'int4', wgt: 'int4', out: 'fp16' });
    expect(inst).toEqual({
      kind: 'setfmt', pop_prev: false, pop_next: false, push_prev: false, push_next: false, act: 'int4', wgt: 'int4', raw: 'none', gscale: 'none', cscale: 'none', bias: 'none', acc: 'none', out: 'fp16', lr: 'none', rounding: 'rne',
    });
    expect(createInstruction('lsync', { push_next: true })).toEqual({ kind: 'lsync', pop_next: false, push_next: true });
    expectIsaError(() => createInstruction('settile', { m: 0, n: 1, k: 1 }), 'out-of-range', /settile\.m: 0 is out of range 1\.\.65535/);
  });
});

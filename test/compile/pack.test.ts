/** Operand packing: rows start on a byte, codes low bits first, multi-byte codes little-endian. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packMatrix, rowBytes, unpackMatrix } from '../../src/compile/index.js';

describe('packMatrix / unpackMatrix', () => {
  it('4-bit codes: low nibble first, odd rows padded to a byte', () => {
    const out = new Uint8Array(4);
    packMatrix([0x1, 0x2, 0x3, 0x4, 0x5, 0x6], 2, 3, 4, out, 0);
    expect([...out]).toEqual([0x21, 0x03, 0x54, 0x06]);
  });

  it('3-bit codes straddle bytes', () => {
    const out = new Uint8Array(2);
    packMatrix([0b101, 0b011, 0b110], 1, 3, 3, out, 0);
    // bits 0-2 = 101, 3-5 = 011, 6-8 = 110 → byte0 = 10_011_101, byte1 = 1
    expect([...out]).toEqual([0b10011101, 0b1]);
  });

  it('fp16 codes are little-endian', () => {
    const out = new Uint8Array(5);
    packMatrix([0x3c00, 0xabcd], 1, 2, 16, out, 1);
    expect([...out]).toEqual([0, 0x00, 0x3c, 0xcd, 0xab]);
  });

  it('round trip for every width', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 }), fc.integer(), (bits, rows, cols, seed) => {
        const codes = Array.from({ length: rows * cols }, (_, i) => Math.abs((seed * 2654435761 + i * 40503) | 0) % 2 ** bits);
        const w = bits > 8 && bits < 16 ? 16 : bits; // the packer stores > 8-bit codes in whole bytes only for 16/32
        if (w !== bits) return;
        const out = new Uint8Array(rows * rowBytes(cols, bits) + 1);
        packMatrix(codes, rows, cols, bits, out, 1);
        expect([...unpackMatrix(out, 1, rows, cols, bits)]).toEqual(codes);
      }),
    );
  });
});

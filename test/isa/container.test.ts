/**
 * The binary program container: header bytes and little-endian words checked byte by byte against a
 * layout written out here, and every malformed-file case rejected with a one-line IsaError.
 */
import { describe, expect, it } from 'vitest';
import { decodeProgram, encodeProgram, readProgram } from '../../src/isa/container.js';
import { IsaError } from '../../src/isa/errors.js';
import { RAW_ISA } from './oracle.js';

/** Header for n instructions, written byte by byte. */
function header(n: number): number[] {
  return [0x51, 0x49, 0x53, 0x41, 1, 0, RAW_ISA.version, 0, 128, 0, 0, 0, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
}

describe('program container', () => {
  it('writes the header and little-endian words', () => {
    const word = 0x0f0e0d0c0b0a09080706050403020100n; // byte i holds i
    expect([...encodeProgram([])]).toEqual(header(0));
    expect([...encodeProgram([word, 0n])]).toEqual([...header(2), ...Array.from({ length: 16 }, (_, i) => i), ...new Array(16).fill(0)]);
    expect(decodeProgram(encodeProgram([word, 0n, (1n << 128n) - 1n]))).toEqual([word, 0n, (1n << 128n) - 1n]);
  });

  it('reads a program with a count above 255 (multi-byte count)', () => {
    const words = Array.from({ length: 300 }, () => 0n);
    const bytes = encodeProgram(words);
    expect([...bytes.subarray(12, 16)]).toEqual([44, 1, 0, 0]);
    expect(readProgram(bytes).instructions).toHaveLength(300);
  });

  it('reads from a Uint8Array view with an offset', () => {
    const inner = encodeProgram([0n]);
    const outer = new Uint8Array(inner.length + 3);
    outer.set(inner, 3);
    expect(decodeProgram(outer.subarray(3))).toEqual([0n]);
  });

  const bad: [string, number[], RegExp][] = [
    ['a short file', [0x51, 0x49], /shorter than the 16-byte header/],
    ['a wrong magic', [0x7f, 0x45, 0x4c, 0x46, ...header(0).slice(4)], /does not start with "QISA"/],
    ['a newer container version', [...header(0).slice(0, 4), 2, 0, ...header(0).slice(6)], /unsupported container version 2/],
    ['another ISA version', [...header(0).slice(0, 6), 9, 0, ...header(0).slice(8)], /ISA version 9/],
    ['another word width', [...header(0).slice(0, 8), 64, 0, ...header(0).slice(10)], /64-bit words/],
    ['reserved bytes set', [...header(0).slice(0, 10), 1, 0, ...header(0).slice(12)], /reserved header bytes/],
    ['a truncated word', [...header(1), ...new Array(15).fill(0)], /header says 1 instruction\(s\) \(32 bytes\) but the file has 31 bytes/],
    ['trailing bytes', [...header(0), 0], /but the file has 17 bytes/],
  ];
  for (const [what, bytes, message] of bad) {
    it(`rejects ${what}`, () => {
      expect(() => decodeProgram(Uint8Array.from(bytes))).toThrow(IsaError);
      expect(() => decodeProgram(Uint8Array.from(bytes))).toThrow(message);
    });
  }

  it('names the index of an instruction that does not decode', () => {
    const bytes = Uint8Array.from([...header(2), ...new Array(16).fill(0), 0x3f, ...new Array(15).fill(0)]);
    expect(() => readProgram(bytes)).toThrow(/^instruction 1: unknown opcode 0x3f/);
  });

  it('refuses words wider than the ISA word', () => {
    expect(() => encodeProgram([1n << 128n])).toThrow(/instruction 0: word does not fit 128 bits/);
  });
});

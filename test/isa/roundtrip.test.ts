/**
 * Whole programs: random well-formed programs (random instructions of every kind, properly nested loops)
 * go words → disassembly → assembly → words and must come back byte-identical, also through the binary
 * container; and a second, independent printer written here (random field order, positional operands,
 * numbers in random bases) must assemble to the oracle's words.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/isa/assembler.js';
import { decodeProgram, encodeProgram, readProgram } from '../../src/isa/container.js';
import { disassemble } from '../../src/isa/disassembler.js';
import { decodeInstruction, encodeInstruction } from '../../src/isa/encode.js';
import type { Instruction } from '../../src/isa/generated-types.js';
import { oracleEncode, programArbitrary, rawInstruction, type RawField } from './oracle.js';

describe('asm → disasm → asm', () => {
  it('is byte-identical on random programs', () => {
    fc.assert(
      fc.property(programArbitrary, (program) => {
        const words = program.map(oracleEncode);
        const bytes = encodeProgram(words);
        const { instructions } = readProgram(bytes);
        const text = disassemble(instructions);
        const again = assemble(text);
        expect(again.diagnostics).toEqual([]);
        expect(encodeProgram(again.words)).toEqual(bytes);
        // And once more through the disassembler: a fixed point.
        expect(disassemble(again.instructions)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('is byte-identical with --words comments', () => {
    fc.assert(
      fc.property(programArbitrary, (program) => {
        const words = program.map(oracleEncode);
        const text = disassemble(words.map(decodeInstruction), { words });
        expect(assemble(text).words).toEqual(words);
      }),
      { numRuns: 50 },
    );
  });
});

/** A printer independent of src/isa/disassembler.ts: shuffled keyword operands or positional operands. */
function printIndependently(inst: Record<string, unknown>, style: { positional: boolean; hex: boolean; order: number }): string {
  const def = rawInstruction(String(inst.kind));
  const show = (f: RawField): string => {
    const v = inst[f.name];
    if (f.type === 'bool') return v ? 'true' : 'false';
    if (f.type === 'enum') return String(v);
    if (f.type === 'reg') return `a${String(v)}`;
    const n = Number(v);
    if (!style.hex) return String(n);
    return n < 0 ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`;
  };
  if (def.fields.length === 0) return String(inst.kind);
  if (style.positional) return `${String(inst.kind)} ${def.fields.map(show).join(', ')}`;
  const fields = [...def.fields];
  // Deterministic shuffle by rotation and reversal.
  const rotated = fields.slice(style.order % fields.length).concat(fields.slice(0, style.order % fields.length));
  if (style.order % 2) rotated.reverse();
  return `${String(inst.kind)} ${rotated.map((f) => `${f.name}=${show(f)}`).join(', ')}`;
}

describe('assembler against the oracle', () => {
  it('assembles independently printed random programs to the oracle words', () => {
    const style = fc.record({ positional: fc.boolean(), hex: fc.boolean(), order: fc.nat(64) });
    fc.assert(
      fc.property(programArbitrary, fc.array(style, { minLength: 1, maxLength: 4 }), (program, styles) => {
        const text = program.map((inst, i) => `  ${printIndependently(inst, styles[i % styles.length])}   ; #${i}`).join('\n');
        const r = assemble(text);
        expect(r.diagnostics).toEqual([]);
        expect(r.words).toEqual(program.map(oracleEncode));
      }),
      { numRuns: 150 },
    );
  });

  it('decodeProgram and encodeInstruction agree with the container bytes', () => {
    fc.assert(
      fc.property(programArbitrary, (program) => {
        const words = program.map((p) => encodeInstruction(p as unknown as Instruction));
        expect(decodeProgram(encodeProgram(words))).toEqual(words);
      }),
      { numRuns: 50 },
    );
  });
});

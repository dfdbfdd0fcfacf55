/**
 * Assembler: the accepted syntax (keyword and positional operands, flags, labels, comments, number
 * bases) checked against words from the oracle encoder, and every kind of error reported at its exact
 * line and column.
 */
import { describe, expect, it } from 'vitest';
import { assemble, checkLoops, formatAsmDiagnostic } from '../../src/isa/assembler.js';
import { createInstruction } from '../../src/isa/encode.js';
import { oracleEncode } from './oracle.js';

function words(text: string): bigint[] {
  const r = assemble(text);
  expect(r.diagnostics).toEqual([]);
  return [...r.words];
}

const LOAD_FIELDS = { pop_next: false, push_next: false, buf: 'act', dram_reg: 1, dram_off: 0x40, buf_addr: 0x100, rows: 8, row_bytes: 32, dram_stride: 1024 };

describe('assembler syntax', () => {
  it('accepts keyword operands in any order, positional operands and bare flags', () => {
    const expected = oracleEncode({ kind: 'load', ...LOAD_FIELDS, push_next: true });
    expect(words('load buf=act, dram_reg=a1, dram_off=0x40, buf_addr=0x100, rows=8, row_bytes=32, dram_stride=1024, push_next')).toEqual([expected]);
    expect(words('load dram_stride=1024, rows=8, row_bytes=32, buf_addr=256, dram_off=64, dram_reg=a1, buf=act, push_next=1')).toEqual([expected]);
    // Positional operands follow the field order of the JSON (flags included), then keywords.
    expect(words('load 0, 1, act, a1, 0x40, 0x100, 8, 32, 1024')).toEqual([expected]);
    expect(words('load 0, true, act, a1, 0x40, buf_addr=0x100, rows=8, row_bytes=32, dram_stride=1024')).toEqual([expected]);
  });

  it('reads hex, binary, underscores and negative numbers', () => {
    expect(words('addi a2, a2, -0x10\n addi rd=a3, rs=a0, imm=0b1010_1010\nseti a1, 1_000_000')).toEqual([
      oracleEncode({ kind: 'addi', rd: 2, rs: 2, imm: -16 }),
      oracleEncode({ kind: 'addi', rd: 3, rs: 0, imm: 0xaa }),
      oracleEncode({ kind: 'seti', rd: 1, imm: 1_000_000 }),
    ]);
  });

  it('skips comments and blank lines and resolves labels to body lengths', () => {
    const text = [
      '; a program',
      'start:          # a label on its own line',
      '    loop count=2, body=done',
      'inner: loop 3, body=inner_end   ; label and instruction on one line',
      '    csync push_next',
      'inner_end:',
      '    ssync pop_prev',
      'done: halt',
      '',
    ].join('\n');
    const r = assemble(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.words).toEqual([
      oracleEncode({ kind: 'loop', count: 2, body: 3 }),
      oracleEncode({ kind: 'loop', count: 3, body: 1 }),
      oracleEncode({ kind: 'csync', pop_prev: false, pop_next: false, push_prev: false, push_next: true }),
      oracleEncode({ kind: 'ssync', pop_prev: true, push_prev: false }),
      0n,
    ]);
    expect(r.lines).toEqual([3, 4, 5, 7, 8]);
  });

  it('accepts a label at the very end as the end of a loop body, and numeric bodies', () => {
    expect(words('loop 5, end\nhalt\nend:')).toEqual(words('loop 5, 1\nhalt'));
  });

  it('fills omitted optional fields with zero codes', () => {
    expect(words('setfmt act=int4, wgt=int4, out=fp16')).toEqual([oracleEncode({ ...createInstruction('setfmt', { act: 'int4', wgt: 'int4', out: 'fp16' }) })]);
  });

  it('formats diagnostics as file:line:col: error: message', () => {
    expect(formatAsmDiagnostic('prog.s', { line: 3, col: 7, message: 'boom' })).toBe('prog.s:3:7: error: boom');
  });
});

describe('assembler errors (line:col)', () => {
  const cases: [string, string, number, number, RegExp][] = [
    ['unknown mnemonic with a suggestion', 'halt\n  lod a1', 2, 3, /^unknown instruction 'lod' \(did you mean load\?\)$/],
    ['unknown mnemonic without a suggestion', 'frobnicate', 1, 1, /^unknown instruction 'frobnicate'$/],
    ['unknown field', 'settile m=1, n=1, k=1, q=3', 1, 24, /^settile has no field 'q'; fields: /],
    ['a field of an instruction without fields', 'halt now=1', 1, 6, /halt has no field 'now'; it takes no operands/],
    ['a value out of range (points at the value)', 'settile m=70000, n=1, k=1', 1, 11, /^settile\.m: 70000 is out of range 1\.\.65535 \(16-bit len\)$/],
    ['a negative unsigned value', 'seti a1, -5', 1, 11, /seti\.imm: -5 is out of range 0\.\.1099511627775/],
    ['a signed value too small', 'addi a1, a1, -0x80000001', 1, 15, /addi\.imm: -0x80000001 is out of range -2147483648\.\.2147483647/],
    ['a bad enum name with a suggestion', 'setfmt act=fp61, wgt=int4, out=fp16', 1, 12, /^setfmt\.act: 'fp61' is not a format name \(did you mean fp16\?\)$/],
    ['a bad enum of a small enum lists the names', 'setmode wsel=grp, group=64', 1, 14, /^setmode\.wsel: 'grp' is not one of fixed\|group$/],
    ['a number where an enum is expected', 'load buf=3, dram_reg=a0, dram_off=0, buf_addr=0, rows=1, row_bytes=1, dram_stride=0', 1, 10, /load\.buf: '3' is not one of act\|wgt\|meta\|out\|lrw/],
    ['a bad register', 'seti a16, 0', 1, 6, /^seti\.rd: no register 'a16' \(a0\.\.a15\)$/],
    ['a non-register', 'seti x1, 0', 1, 6, /^seti\.rd: expected a register a0\.\.a15, found 'x1'$/],
    ['a bad flag value', 'csync push_next=2', 1, 17, /csync\.push_next: expected 0, 1, true or false, found 2/],
    ['missing fields (at the mnemonic)', '   settile m=4', 1, 4, /^settile: missing fields n, k$/],
    ['a field given twice', 'settile m=1, n=1, k=1, m=2', 1, 24, /^field 'm' is given twice$/],
    ['a flag given twice', 'csync push_next, push_next', 1, 18, /^field 'push_next' is given twice$/],
    ['too many positional operands', 'seti a1, 2, 3', 1, 13, /^too many operands: seti has 2 field\(s\)$/],
    ['positional after keyword', 'seti rd=a1, 2', 1, 13, /positional operands must come before/],
    ['an unexpected character', 'seti a1, 0x10 @', 1, 15, /^unexpected character '@'$/],
    ['a missing comma', 'seti a1 5', 1, 9, /^expected ',' between operands, found '5'$/],
    ['a missing value', 'seti a1,', 1, 9, /^expected an operand value$/],
    ['a dangling =', 'seti rd=, imm=1', 1, 9, /expected an operand value, found ','/],
    ['a malformed number', 'seti a1, 0x', 1, 10, /^malformed number '0x'$/],
    ['a malformed number with a trailing underscore', 'seti a1, 12_', 1, 10, /^malformed number '12_'$/],
    ['a word where a number is expected', 'seti a1, lots', 1, 10, /^seti\.imm: expected a number, found 'lots'$/],
    ['a minus before a name', 'seti a1, -a2', 1, 11, /'-' must be followed by a number/],
    ['an undefined label', 'loop 2, body=nowhere\nhalt', 1, 14, /^undefined label 'nowhere'$/],
    ['a misspelled label', 'loop 2, body=ends\nhalt\nend:', 1, 14, /^undefined label 'ends' \(did you mean end\?\)$/],
    ['a label before its loop', 'back:\nloop 2, body=back\nhalt', 2, 14, /label 'back' must come after the loop/],
    ['a label right after the loop (empty body)', 'loop 2, body=e\ne: halt', 1, 14, /label 'e' must come after the loop \(at least 1 instruction\(s\) later\)/],
    ['a duplicate label', 'a:\nhalt\na: halt', 3, 1, /^label 'a' is already defined$/],
    ['a label named like an instruction', 'halt: halt', 1, 1, /^label 'halt' is an instruction name$/],
    ['a loop body past the end', 'halt\nloop 2, 3\nhalt', 2, 1, /^loop body of 3 instruction\(s\) runs past the end of the program \(1 follow\)$/],
    ['loops that do not nest', 'loop 2, 3\nhalt\n  loop 2, 3\nhalt\nhalt\nhalt', 3, 3, /loop body ends after the body of the enclosing loop/],
    ['loops nested too deep', 'loop 2, 5\nloop 2, 4\nloop 2, 3\nloop 2, 2\nloop 2, 1\nhalt', 5, 1, /^loops nest more than 4 deep$/],
  ];
  for (const [what, text, line, col, message] of cases) {
    it(what, () => {
      const r = assemble(text);
      expect(r.diagnostics).toHaveLength(1);
      expect(r.diagnostics[0]).toMatchObject({ line, col });
      expect(r.diagnostics[0].message).toMatch(message);
    });
  }

  it('reports every bad line of a file, in order', () => {
    const r = assemble('seti a99, 0\nhalt\nbogus\nsettile m=0, n=1, k=1\n');
    expect(r.diagnostics.map((d) => [d.line, d.col])).toEqual([
      [1, 6],
      [3, 1],
      [4, 11],
    ]);
  });

  it('never throws on arbitrary text', () => {
    const junk = ['', '\n\n', ':::', '= = =', 'loop', 'loop ,', '-', 'a: b: c:', 'x'.repeat(5000), '\u00e9t\u00e9', 'load ' + ', '.repeat(100)];
    for (const text of junk) expect(() => assemble(text)).not.toThrow();
  });
});

describe('checkLoops', () => {
  it('accepts properly nested loops up to the depth limit', () => {
    const l = (body: number) => createInstruction('loop', { count: 2, body });
    const h = createInstruction('halt', {});
    expect(checkLoops([l(4), l(3), l(2), l(1), h])).toEqual([]);
    expect(checkLoops([l(1), h, l(1), h])).toEqual([]);
    expect(checkLoops([l(2), l(1), h, h])).toEqual([]);
  });
});

/** Legal, unique, deterministic Verilog identifiers from arbitrary DSL names. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVerilogKeyword, legalizeIdentifier, NameScope } from '../../src/codegen/verilog/names.js';

const LEGAL = /^[A-Za-z][A-Za-z0-9_]*$/;

describe('Verilog names', () => {
  it('keeps plain names and renames keywords, leading digits, reserved prefixes and odd characters', () => {
    expect(legalizeIdentifier('bitmod_pe')).toBe('bitmod_pe');
    expect(legalizeIdentifier('module')).toBe('u_module');
    expect(legalizeIdentifier('logic')).toBe('u_logic');
    expect(legalizeIdentifier('3x')).toBe('n_3x');
    expect(legalizeIdentifier('qacc_lzc_w8')).toBe('u_qacc_lzc_w8');
    expect(legalizeIdentifier('a-b.c')).toBe('a_b_c');
    expect(legalizeIdentifier('')).toBe('n_');
    expect(isVerilogKeyword('always_ff')).toBe(true);
  });

  it('cannot carry code: newlines, comments, backquotes and escapes all become underscores', () => {
    const evil = 'x;\nendmodule\n`define A /* */ \\esc';
    const id = legalizeIdentifier(evil);
    expect(id).toMatch(LEGAL);
    expect(id).not.toContain('\n');
  });

  it('gives unique identifiers in request order, case-insensitively, and the same one for the same name', () => {
    const s = new NameScope(['clk']);
    expect(s.claim('a b')).toBe('a_b');
    expect(s.claim('a_b')).toBe('a_b_2');
    expect(s.claim('A_B')).toBe('A_B_3');
    expect(s.claim('a b')).toBe('a_b');
    expect(s.claim('clk')).toBe('clk_2');
  });

  it('any string maps to a legal non-keyword identifier; distinct names stay distinct (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 12 }), (names) => {
        const s = new NameScope();
        const ids = new Map<string, string>();
        for (const n of names) ids.set(n, s.claim(n));
        const values = [...ids.values()];
        for (const id of values) {
          expect(id).toMatch(LEGAL);
          expect(isVerilogKeyword(id)).toBe(false);
        }
        expect(new Set(values.map((v) => v.toLowerCase())).size).toBe(values.length);
      }),
    );
  });
});

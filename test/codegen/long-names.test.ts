/**
 * Names of any length and any legal .qacc identifier (including Verilog, C and WGSL keywords) give legal,
 * distinct identifiers: the shared legalizer (src/codegen/names.ts) over many generated names, and whole
 * accelerators whose names are long, keywords or built to collide with the modules named after the top.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKeyword, legalIdentifier, MAX_IDENTIFIER_LENGTH, type IdentifierTarget } from '../../src/codegen/names.js';
import { generateAcceleratorRtl } from '../../src/codegen/verilog/design.js';
import { acceleratorTopName } from '../../src/codegen/verilog/names.js';
import { memoryHost } from '../../src/dsl/program.js';
import { compileFile } from '../../src/ir/elaborate.js';
import type { IrAccelerator } from '../../src/ir/types.js';
import { rtlTemplates } from '../../src/verify/rtl/templates.js';
import { lintVerilog } from '../../src/verify/rtl/verilator.js';

const LEGAL = /^[A-Za-z][A-Za-z0-9_]*$/;
const TARGETS: IdentifierTarget[] = ['verilog', 'c', 'wgsl'];
const BY = { source: 'long.qacc', version: '9.9.9' };

function accelerator(acc: string, pe: string): IrAccelerator {
  const text = `
pe ${pe} : mac { weights = int8; activations = int8; accumulator = int32; }
array arr { pe = ${pe}; rows = 2; cols = 2; }
buffer wb { size = 128 B; width = 32; banks = 1; role = weights; }
buffer ab { size = 128 B; width = 32; banks = 1; role = activations; }
accelerator ${acc} { arrays = arr; buffers = [wb, ab]; clock = 1 GHz; dram = 32 b/cycle; }
`;
  const c = compileFile('long.qacc', memoryHost({ 'long.qacc': text }));
  if (!c.design) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
  return c.design.accelerators[0];
}

/** Every module a generated design defines, from the Verilog text itself. */
function modules(files: readonly { path: string; text: string }[]): string[] {
  return files.filter((f) => f.path.endsWith('.v')).flatMap((f) => [...f.text.matchAll(/^module (\w+)/gm)].map((m) => m[1]));
}

describe('identifier legalizer', () => {
  it('distinct long names sharing a prefix stay distinct, legal and bounded, for every target', () => {
    const base = 'a'.repeat(70);
    // 20,000 names: a long shared prefix with numbered tails, suffixes of the top's family, case variants.
    const names = new Set<string>();
    for (let i = 0; i < 5000; i++) for (const tail of [`_${i}`, `_top_${i}`, `_pe${i}`, `_${i}_iq`]) names.add(base + tail);
    for (const target of TARGETS) {
      const ids = new Map<string, string>();
      const bad: string[] = [];
      for (const n of names) {
        const id = legalIdentifier(n, target);
        if (!LEGAL.test(id) || id.length > MAX_IDENTIFIER_LENGTH || isKeyword(id, target)) bad.push(id);
        ids.set(id.toLowerCase(), n);
      }
      expect(bad).toEqual([]);
      expect(ids.size).toBe(names.size);
    }
  });

  it('renames the keywords of each target and keeps names that are keywords only elsewhere', () => {
    expect(legalIdentifier('module', 'verilog')).toBe('u_module');
    expect(legalIdentifier('module', 'c')).toBe('module');
    expect(legalIdentifier('int', 'c')).toBe('u_int');
    expect(legalIdentifier('threadIdx', 'c')).toBe('u_threadIdx');
    expect(legalIdentifier('fn', 'wgsl')).toBe('u_fn');
    expect(legalIdentifier('vec4', 'wgsl')).toBe('u_vec4');
    expect(legalIdentifier('fn', 'verilog')).toBe('fn');
  });

  it('any identifier of the language maps to a legal non-keyword identifier of every target (property)', () => {
    const ident = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,150}$/);
    fc.assert(
      fc.property(ident, ident, (a, b) => {
        for (const target of TARGETS) {
          const x = legalIdentifier(a, target);
          expect(x).toMatch(LEGAL);
          expect(isKeyword(x, target)).toBe(false);
          expect(x.length).toBeLessThanOrEqual(MAX_IDENTIFIER_LENGTH);
          // Identifiers of the language contain no character that step 1 replaces, so distinct names stay distinct.
          if (a !== b) expect(x).not.toBe(legalIdentifier(b, target));
        }
      }),
    );
  });
});

describe('accelerator RTL with long and awkward names', () => {
  const cases: Array<[string, string]> = [
    ['a'.repeat(100), 'p'],
    ['a'.repeat(63) + 'x', 'p'],
    ['acc_' + 'b'.repeat(96), 'pe_' + 'c'.repeat(97)],
    ['module', 'endmodule'],
    ['acc', 'top'],
    ['acc', 'top_iq'],
  ];
  for (const [acc, pe] of cases) {
    it(`${acc.length > 20 ? `${acc.slice(0, 12)}…(${acc.length})` : acc} / ${pe.length > 20 ? `${pe.slice(0, 12)}…(${pe.length})` : pe}: distinct legal module names`, () => {
      const rtl = generateAcceleratorRtl(accelerator(acc, pe), rtlTemplates, BY);
      const mods = modules(rtl.files);
      expect(mods.length).toBeGreaterThanOrEqual(2);
      for (const m of mods) expect(m).toMatch(LEGAL);
      expect(new Set(mods.map((m) => m.toLowerCase())).size).toBe(mods.length);
      expect(mods).toContain(rtl.top);
    });
  }

  it('the 100-character accelerator passes verilator --lint-only -Wall', async () => {
    const accel = accelerator('a'.repeat(100), 'p'.repeat(100));
    const rtl = generateAcceleratorRtl(accel, rtlTemplates, BY);
    const top = acceleratorTopName(accel.name);
    expect(modules(rtl.files)).toContain(top);
    const files = rtl.files.filter((f) => f.path.endsWith('.v')).map((f) => ({ path: f.path.replace(/^rtl\//, ''), text: f.text }));
    expect(await lintVerilog(top, files)).toEqual([]);
  }, 120_000);
});

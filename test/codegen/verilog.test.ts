/**
 * Generated Verilog: every example's PE renders deterministically (byte-identical twice), every file
 * starts with the header naming the source and version, the module/file naming rule holds, and the
 * whole design passes `verilator --lint-only -Wall` with no warning. Templates run in strict mode: a
 * view model missing a name is an error, not an empty string.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateAcceleratorRtl } from '../../src/codegen/verilog/design.js';
import { headerComment } from '../../src/codegen/verilog/emit.js';
import { fpAdd, floatShape, fpRound, positRound } from '../../src/codegen/verilog/fp-units.js';
import { renderTemplate, TemplateError } from '../../src/codegen/verilog/render.js';
import { FP16, FP32 } from '../../src/formats/float.js';
import { compileFile } from '../../src/ir/elaborate.js';
import type { IrAccelerator } from '../../src/ir/types.js';
import { rtlTemplates } from '../../src/verify/rtl/templates.js';
import { lintVerilog } from '../../src/verify/rtl/verilator.js';

const ROOT = resolve(__dirname, '../..');
const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };

function accelerators(name: string): IrAccelerator[] {
  const c = compileFile(resolve(ROOT, 'examples', `${name}.qacc`), host, {});
  if (!c.design) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
  return [...c.design.accelerators];
}

const ALL = ['bitmod', 'xr-npe', 'svdquant'].flatMap((f) => accelerators(f).map((a) => ({ file: f, accel: a })));
const BY = { source: 'examples/x.qacc', version: '9.9.9' };

describe('Verilog generation', () => {
  it('covers every accelerator of every example (each PE kind)', () => {
    expect(ALL.map((x) => x.accel.arrays[0].pe.kind).sort()).toEqual(['bit_serial_mod', 'bit_serial_mod', 'lowrank_gemm', 'lowrank_gemm', 'mac', 'mac', 'mac', 'simd_mac']);
  });

  it('is deterministic and stamps every file with the source and version', () => {
    for (const { accel } of ALL) {
      const a = generateAcceleratorRtl(accel, rtlTemplates, BY);
      const b = generateAcceleratorRtl(accel, rtlTemplates, BY);
      expect(b.files).toEqual(a.files);
      for (const f of a.files.filter((x) => x.path.endsWith('.v'))) {
        expect(f.text.startsWith(headerComment(BY) + '\n'), f.path).toBe(true);
        const mod = /^module (\w+)/m.exec(f.text);
        expect(mod?.[1], f.path).toBe(f.path.replace(/^rtl\//, '').replace(/\.v$/, ''));
      }
      expect(a.files.map((f) => f.path)).toEqual(expect.arrayContaining(['files.f', `${a.top}.core`, 'README.md']));
    }
  });

  it('a header cannot be broken out of: control characters in the source name are replaced', () => {
    expect(headerComment({ source: 'a\nmodule evil;', version: '1' })).not.toContain('\n');
  });

  it('passes verilator --lint-only -Wall with no warnings (every example PE, full size)', async () => {
    for (const { accel } of ALL) {
      const rtl = generateAcceleratorRtl(accel, rtlTemplates, BY);
      // The PE at full size; the accelerator tops (full-size arrays lint for many minutes) are linted on
      // 2 × 2 arrays in test/codegen/top.test.ts.
      const pe = new Set(rtl.peFiles);
      const files = rtl.files.filter((f) => pe.has(f.path)).map((f) => ({ path: f.path.replace(/^rtl\//, ''), text: f.text }));
      expect(await lintVerilog(rtl.top, files), accel.name).toEqual([]);
    }
  });

  it('FP blocks of other shapes lint clean too (fp16 rounder of a 1-bit-short input, posit rounders, bf16-free add)', async () => {
    for (const m of [fpRound(floatShape(FP16), 5), fpAdd(floatShape(FP16), floatShape(FP32), floatShape(FP16)), positRound({ name: 'posit8_2', n: 8, es: 2 }, 9)]) {
      const files: { path: string; text: string }[] = [];
      const seen = new Set<string>();
      const visit = (x: typeof m): void => {
        if (seen.has(x.name)) return;
        seen.add(x.name);
        x.deps.forEach(visit);
        files.push({ path: `${x.name}.v`, text: renderTemplate(rtlTemplates, x.template, { ...x.view, name: x.name, header: '// t' }) });
      };
      visit(m);
      expect(await lintVerilog(m.name, files), m.name).toEqual([]);
    }
  });

  it('strict templates: a missing view name is an error', () => {
    expect(() => renderTemplate(() => 'module {{name}}; {{missing}}', 'x.v.hbs', { name: 'a' })).toThrow(TemplateError);
  });
});

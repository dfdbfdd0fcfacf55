/**
 * The harness self-test of issue 5. First the mutator itself, on hand-written Verilog whose mutants are
 * written out here by hand (operator partners, literal bit flips, the carry-cut and register-drop
 * rewrites; ranges and comments untouched). Then mutants of a real `qacc build` (the fp16 MAC baseline of
 * examples/bitmod.qacc) go through verification as `--rtl-dir` RTL with real Verilator: the unmutated
 * build must pass (so a kill means the mutant, not a broken flow), no mutant may be stillborn (the
 * mutator writes legal Verilog), and every mutant of a deterministic sample of six (one build each) must be
 * killed by the small case set — unless it also survives a case set eight times larger, i.e. it is
 * equivalent or unreachable as far as verification can tell. The kill rate over the sample must be at
 * least 3/6 (measured: 3/6; survivors are listed in the failure message). The three survivors are, by
 * reading the RTL: the top bit of the aligner's |sum| forced to 0 (equivalent: both addends are below
 * 2^52, so |sum| < 2^53); `ma == 22'd1` instead of zero in the aligner (only a product of two minimum
 * subnormals reaches it); and `1 + biased` for `1 - biased` in the fp16 output rounder's subnormal shift
 * (not equivalent: the case plan never produces an fp16 subnormal result — a gap of the cases, see
 * docs/verification.md).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeFileHost } from '../../src/cli/commands/check.js';
import { generateAcceleratorRtl } from '../../src/codegen/verilog/design.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { planCases, verifyTargets } from '../../src/verify/cases.js';
import { applyMutant, listMutants, MUTANT_KINDS, runMutant, sampleMutants, type Mutant } from '../../src/verify/mutate.js';
import { expectSampleJudged } from './mutation-helpers.js';
import { rtlTemplates } from '../../src/verify/rtl/templates.js';
import { ROOT } from './orchestration-helpers.js';

const SMALL = [
  '// header comment: a + b <= c',
  'module t (',
  '  input  wire [3:0] a,',
  '  output reg  [4:0] q',
  ');',
  "  wire [4:0] s = a + 5'd3; // sum",
  "  assign y = (a[3:2] == 2'b10) ? a : 4'hf;",
  "  u_x #(.W(4)) u_add (.p(a & 4'h0), .r(s));",
  '  always @(posedge clk) begin',
  '    if (rst) begin',
  "      q <= 5'd0;",
  '    end else begin',
  '      q <= s;',
  '    end',
  '  end',
  'endmodule',
].join('\n');

describe('mutator', () => {
  const mutants = listMutants([{ path: 'rtl/t.v', text: SMALL }, { path: 'files.f', text: 'a + b\n' }]);
  const at = (line: number): string[] => mutants.filter((m) => m.line === line).map((m) => `${m.kind} ${m.replacement.trim()}`);

  it('lists exactly the hand-derived mutants of each line (ranges, comments and other files untouched)', () => {
    expect(new Set(mutants.map((m) => m.file))).toEqual(new Set(['rtl/t.v']));
    expect(at(1)).toEqual([]);
    expect(at(3)).toEqual([]);
    expect(at(6)).toEqual([
      "operator-swap wire [4:0] s = a - 5'd3; // sum",
      "constant-flip wire [4:0] s = a + 5'd2; // sum",
      // the carry cut rewrites the statement (its trailing comment goes)
      "carry-cut wire [4:0] s__qacc_full = a + 5'd3; wire [4:0] s = { 1'b0, s__qacc_full[3:0] };",
    ]);
    expect(at(7)).toEqual([
      "operator-swap assign y = (a[3:2] != 2'b10) ? a : 4'hf;",
      "constant-flip assign y = (a[3:2] == 2'b11) ? a : 4'hf;",
      "constant-flip assign y = (a[3:2] == 2'b10) ? a : 4'he;",
    ]);
    expect(at(8)).toEqual([
      "operator-swap u_x #(.W(4)) u_add (.p(a | 4'h0), .r(s));",
      "constant-flip u_x #(.W(4)) u_add (.p(a & 4'h1), .r(s));",
    ]);
    // A reset value is a constant to flip, not a register load to drop.
    expect(at(11)).toEqual(["constant-flip q <= 5'd1;"]);
    expect(at(13)).toEqual(['register-drop q <= q;']);
    expect(mutants.map((m) => m.id)).toEqual(mutants.map((m) => m.id).filter((id, i, all) => all.indexOf(id) === i));
  });

  it('applies one mutant as a one-line change and refuses a stale one', () => {
    const files = [{ path: 'rtl/t.v', text: SMALL }];
    for (const m of mutants) {
      const out = applyMutant(files, m)[0].text.split('\n');
      const before = SMALL.split('\n');
      expect(out.length).toBe(before.length);
      expect(out.filter((l, i) => l !== before[i])).toEqual([m.replacement]);
    }
    const stale: Mutant = { ...mutants[0], original: 'something else' };
    expect(() => applyMutant(files, stale)).toThrow(/does not match line/);
  });

  it('samples deterministically, stratified over the kinds', () => {
    const a = sampleMutants(mutants, 5, 7);
    expect(sampleMutants(mutants, 5, 7)).toEqual(a);
    expect(a).toHaveLength(5);
    expect(new Set(a.map((m) => m.kind))).toEqual(new Set(MUTANT_KINDS));
    expect(a.every((m) => mutants.includes(m))).toBe(true);
    expect(sampleMutants(mutants, 1000, 7)).toHaveLength(mutants.length);
  });
});

describe('verification kills RTL mutants (fp16 MAC baseline, Verilator)', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'qacc-mutation-test-'));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('the unmutated build passes; every sampled mutant that verification can tell apart is killed', async () => {
    const file = resolve(ROOT, 'examples/bitmod.qacc');
    const c = compileFile(file, nodeFileHost, { requireAccelerator: true });
    const accel = c.design!.accelerators.find((a) => a.name === 'fp16_baseline')!;
    // The PE's files: the PE-level bench (rtl-pe) verifies the mutants, so top and engine mutants would be invisible.
    const rtl = generateAcceleratorRtl(accel, rtlTemplates, { source: 'examples/bitmod.qacc', version: 'mutation-test' });
    const peFiles = new Set(rtl.peFiles);
    const files = rtl.files.filter((f) => peFiles.has(f.path));
    expect(readFileSync(file, 'utf8')).toContain('accelerator fp16_baseline');
    const targets = verifyTargets(c.design!).filter((t) => t.accelerator.name === 'fp16_baseline');
    const small = { files, targets, cases: planCases(targets, { vectors: 1, seed: 1 }).cases, workDir };
    const large = { ...small, cases: planCases(targets, { vectors: 8, seed: 2 }).cases };

    // the control passes; every survivor of the small set survives the larger one too; at least 3 of 6 killed
    await expectSampleJudged(small, large, sampleMutants(listMutants(files), 6, 5), 3, 'fp16_baseline/');

    // A PE that never accepts a beat but keeps raising out_valid once hung the bench forever: it must now
    // end promptly and be reported as a failure.
    const line = files.flatMap((f) => f.text.split('\n').map((text, i) => ({ f, text, i }))).find((l) => /^\s*assign in_ready = /.test(l.text))!;
    expect(line, 'the PE drives in_ready with an assign').toBeDefined();
    const stuck: Mutant = { id: 'test-in-ready-low', kind: 'constant-flip', file: line.f.path, line: line.i + 1, description: 'in_ready tied low', original: line.text, replacement: "  assign in_ready = 1'b0;" };
    expect((await runMutant(small, stuck)).status).toBe('killed');
  }, 150_000);
});

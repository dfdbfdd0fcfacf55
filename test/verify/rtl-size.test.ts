/**
 * The rtl backends' bound on a Verilator model (src/verify/rtl-size.ts): a design whose logic qacc estimates
 * above `--rtl-max-gates` is refused at once with one line that names each target, its estimate, the bound,
 * the design's params and a bound that would admit it; the estimate is the one `qacc estimate` reports; the
 * suggested bound does admit the design. No Verilator model is built here: the refusal comes before the tool
 * is looked up, and the admitted run is pointed at a Verilator that does not exist, so it stops right after
 * the size check with the missing-tool line.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTarget } from '../../src/compile/target.js';
import { targetLogicSize } from '../../src/estimate/logic-size.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { reproArgs, type InvocationInfo } from '../../src/verify/report.js';
import { DEFAULT_RTL_MAX_GATES, formatGates } from '../../src/verify/rtl-size.js';
import { VERILATOR_INSTALL_HINT } from '../../src/verify/rtl/verilator.js';
import { runCli } from '../cli/fake-io.js';

const ROOT = resolve(__dirname, '../..');
const EX = (name: string): string => `${ROOT}/examples/${name}.qacc`;

function target(example: string, accel: string, sets: readonly string[] = []) {
  const c = compileFile(EX(example), { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: [...sets] });
  const a = c.design?.accelerators.find((x) => x.name === accel);
  if (!a) throw new Error(`no accelerator ${accel} in ${example}`);
  return resolveTarget(a);
}

const dir = mkdtempSync(join(tmpdir(), 'qacc-rtl-size-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI with VERILATOR pointing at nothing (any build attempt stops with the missing-tool line). */
async function withoutVerilator(args: readonly string[]) {
  const saved = process.env.VERILATOR;
  process.env.VERILATOR = join(dir, 'no-verilator');
  try {
    return await runCli(args);
  } finally {
    if (saved === undefined) delete process.env.VERILATOR;
    else process.env.VERILATOR = saved;
  }
}

describe('the logic estimate the bound reads', () => {
  it('equals the parts `qacc estimate --json` reports (engine logic, port logic and controller; the PE array holds the PE logic and its RAMs)', async () => {
    const r = await runCli(['estimate', EX('svdquant'), '--json', '-a', 'svdquant_w4a4']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { components: { name: string; gate_equivalents: number }[] };
    const ge = (name: string): number => {
      const c = report.components.find((x) => x.name === name);
      if (!c) throw new Error(`no component ${name}: ${report.components.map((x) => x.name).join(', ')}`);
      return c.gate_equivalents;
    };
    const size = targetLogicSize(target('svdquant', 'svdquant_w4a4'));
    expect(size.pes).toBe(256);
    expect(Math.round(size.engine ?? NaN)).toBe(ge('w4a4_array tile engine logic'));
    expect(Math.abs(size.outside - ge('buffer port logic') - ge('controller and instruction queues'))).toBeLessThanOrEqual(1);
    const array = ge('w4a4_array (16×16 lowrank_gemm PEs)');
    expect(size.pe * size.pes).toBeLessThan(array); // the array's figure adds the PEs' RAM bits
    expect(size.pe * size.pes).toBeGreaterThan(array * 0.5);
    expect(size.total).toBeCloseTo(size.pe * size.pes + (size.engine ?? 0) + size.outside, 6);
  });

  it('grows with the array: four times the PEs, about four times the PE logic', () => {
    const small = targetLogicSize(target('bitmod', 'bitmod', ['rows=4', 'cols=4']));
    const large = targetLogicSize(target('bitmod', 'bitmod', ['rows=8', 'cols=8']));
    expect(large.pes).toBe(4 * small.pes);
    expect(large.pe * large.pes).toBeGreaterThan(3.5 * small.pe * small.pes);
    expect(large.total).toBeGreaterThan(small.total);
  });
});

describe('qacc verify refuses an RTL model above --rtl-max-gates', () => {
  it('svdquant at its declared 16 × 16 arrays: one line naming both accelerators, the bound, the params and a bound that admits them', async () => {
    const r = await withoutVerilator(['verify', EX('svdquant'), '--backends', 'golden,sim,rtl']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const w4 = targetLogicSize(target('svdquant', 'svdquant_w4a4')).total;
    const nv = targetLogicSize(target('svdquant', 'svdquant_nvfp4')).total;
    expect(w4).toBeGreaterThan(DEFAULT_RTL_MAX_GATES);
    expect(lines[0]).toMatch(/^qacc: error: rtl backend: the RTL is too large for a Verilator build: /);
    expect(lines[0]).toContain(`svdquant_w4a4 about ${formatGates(w4)} gate equivalents of logic (256 PEs × `);
    expect(lines[0]).toContain(`svdquant_nvfp4 about ${formatGates(nv)} (256 PEs × `);
    expect(lines[0]).toContain(`the bound is ${formatGates(DEFAULT_RTL_MAX_GATES)} (--rtl-max-gates`);
    expect(lines[0]).toContain("the design's params: rank=32, rows=16, cols=16, lanes=64, banks=4");
    const suggested = Number(/--rtl-max-gates (\d+)$/.exec(lines[0])?.[1]);
    expect(suggested).toBeGreaterThanOrEqual(Math.max(w4, nv));
    expect(suggested).toBeLessThan(1.1 * Math.max(w4, nv));
  });

  it('the PE-level backend bounds one PE; the bound it suggests admits the design (which then needs the tool)', async () => {
    const pe = targetLogicSize(target('mac-ws', 'mac_int8')).pe;
    const below = Math.floor(pe) - 1;
    const refused = await withoutVerilator(['verify', EX('mac-ws'), '-a', 'mac_int8', '--backends', 'golden,rtl-pe', '--vectors', '0', '--rtl-max-gates', String(below)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^qacc: error: rtl-pe backend: the RTL is too large for a Verilator build: mac_int8 about [0-9.]+ k gate equivalents of logic \(one PE\); /);
    const suggested = /--rtl-max-gates (\d+)\n$/.exec(refused.stderr)?.[1];
    expect(Number(suggested)).toBeGreaterThanOrEqual(pe);
    const admitted = await withoutVerilator(['verify', EX('mac-ws'), '-a', 'mac_int8', '--backends', 'golden,rtl-pe', '--vectors', '0', '--rtl-max-gates', String(suggested)]);
    expect(admitted.code).toBe(1);
    expect(admitted.stderr).toBe(`qacc: error: VERILATOR=${join(dir, 'no-verilator')} does not run: ${VERILATOR_INSTALL_HINT}\n`);
  });

  it('the default bound admits the examples at the sizes the main job verifies', async () => {
    for (const [example, accel, sets] of [
      ['bitmod', 'bitmod', ['rows=4', 'cols=4', 'banks=1']],
      ['xr-npe', 'xr_npe', ['size=2']],
      ['svdquant', 'svdquant_w4a4', ['rows=2', 'cols=2', 'lanes=8', 'rank=16', 'banks=1']],
    ] as const) {
      expect(targetLogicSize(target(example, accel, sets)).total, example).toBeLessThan(DEFAULT_RTL_MAX_GATES / 4);
    }
  });

  it('names a simd_mac accelerator once, not once per SIMD mode (its modes run on one model)', async () => {
    const r = await withoutVerilator(['verify', EX('xr-npe'), '--backends', 'golden,sim,rtl', '--rtl-max-gates', '1000000']);
    expect(r.code).toBe(1);
    expect(r.stderr.match(/xr_npe/g)).toHaveLength(1);
    expect(r.stderr).toContain('xr_npe about ');
    expect(r.stderr).toContain("the design's params: size=16");
  });

  it('--rtl-max-gates must be a positive integer', async () => {
    for (const bad of ['0', '-5', '1.5', 'many']) {
      const r = await runCli(['verify', EX('mac-ws'), '--backends', 'golden,rtl', '--rtl-max-gates', bad]);
      expect(r.code, bad).toBe(1);
      expect(r.stderr, bad).toMatch(/^qacc: error: --rtl-max-gates must be a positive integer, got /);
    }
  });

  it('a repro line of an rtl case repeats a raised --rtl-max-gates (so that it reruns), and one without the rtl backends does not', () => {
    const inv: InvocationInfo = { file: 'd.qacc', sets: ['rows=8'], backends: ['golden', 'sim', 'rtl'], rtlMaxGates: 60_000_000, trace: false, seed: 1, vectors: 0, plannedCases: 1, notes: [] };
    expect(reproArgs(inv, 'a/b/1x2x3/s1', ['golden', 'rtl'])).toEqual(['verify', 'd.qacc', '--backends', 'golden,rtl', '--set', 'rows=8', '--rtl-max-gates', '60000000', '--case', 'a/b/1x2x3/s1']);
    expect(reproArgs(inv, 'a/b/1x2x3/s1', ['golden', 'rtl-pe'])).toContain('--rtl-max-gates');
    expect(reproArgs(inv, 'a/b/1x2x3/s1', ['golden', 'sim'])).not.toContain('--rtl-max-gates');
  });
});

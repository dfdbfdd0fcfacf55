/**
 * `qacc verify` in-process: the summary on success for every example, --workload / --shard / --case /
 * --junit, and one-line errors (exit 1, no stack) for bad flags, a missing rtl backend and the rtl-only
 * options without it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VERILATOR_INSTALL_HINT } from '../../src/verify/rtl/verilator.js';
import { runCli } from './fake-io.js';

const EX = (name: string): string => resolve(__dirname, `../../examples/${name}.qacc`);
const dir = mkdtempSync(join(tmpdir(), 'qacc-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function caseCount(stdout: string): number {
  const m = /: (\d+) cases/.exec(stdout);
  if (!m) throw new Error(`no case count in ${stdout}`);
  return Number(m[1]);
}

describe('qacc verify', () => {
  it('passes on every example with a short summary (exit 0)', async () => {
    for (const name of ['bitmod', 'xr-npe', 'svdquant']) {
      const r = await runCli(['verify', EX(name), '--vectors', '1', '--seed', '3']);
      expect(r.stderr, name).toBe('');
      expect(r.code, name).toBe(0);
      expect(r.stdout).toMatch(/^ {2}golden = sim +\d+ cases, \d+ outputs compared: all bit-identical$/m);
      expect(r.stdout).toMatch(/^OK: all \d+ cases match$/m);
      expect(r.stdout).not.toMatch(/MISMATCH|ERROR/);
    }
  });

  it('--workload runs every case on that shape; --shard slices add up to the whole run', async () => {
    const whole = await runCli(['verify', EX('xr-npe'), '--workload', 'gemm:m=3,k=40,n=5', '--vectors', '2']);
    expect(whole.code).toBe(0);
    expect(whole.stdout).toContain('workload gemm:m=3,k=40,n=5');
    const total = caseCount(whole.stdout);
    let sum = 0;
    for (const s of ['1/3', '2/3', '3/3']) {
      const r = await runCli(['verify', EX('xr-npe'), '--workload', 'gemm:m=3,k=40,n=5', '--vectors', '2', '--shard', s]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`(shard ${s} of ${total} planned)`);
      sum += caseCount(r.stdout);
    }
    expect(sum).toBe(total);
  });

  it('--junit writes the XML atomically (no temporary file left), --case runs one case', async () => {
    const out = join(dir, 'sub', 'verify.xml');
    const r = await runCli(['verify', EX('bitmod'), '--case', 'ant_baseline/special/2x33x3/s1', '--junit', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(caseCount(r.stdout)).toBe(1);
    const xml = readFileSync(out, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites [^>]*tests="1" failures="0" errors="0"/);
    expect(xml).toContain('<testcase classname="qacc.verify.ant_baseline" name="ant_baseline/special/2x33x3/s1"');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['verify.xml']);
  });

  it('rtl without Verilator, --trace without sim and rtl, a bad --rtl-dir: one line each; --rtl-dir/--trace need rtl', async () => {
    const saved = process.env.VERILATOR;
    process.env.VERILATOR = join(dir, 'no-verilator');
    try {
      const r = await runCli(['verify', EX('bitmod'), '--backends', 'golden,sim,rtl']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`qacc: error: VERILATOR=${join(dir, 'no-verilator')} does not run: ${VERILATOR_INSTALL_HINT}\n`);
    } finally {
      if (saved === undefined) delete process.env.VERILATOR;
      else process.env.VERILATOR = saved;
    }
    for (const [flag, re] of [
      [['--rtl-dir', dir], /--rtl-dir belongs with the rtl backend/],
      [['--trace'], /--trace compares the simulator with the RTL/],
      [['--backends', 'golden,rtl', '--trace'], /--trace compares the simulator with the RTL cycle by cycle: put sim and rtl/],
      [['--backends', 'golden,sim,rtl-pe', '--trace'], /--trace compares the simulator with the RTL cycle by cycle: put sim and rtl/],
      [['--backends', 'golden,rtl', '--rtl-dir', join(dir, 'nothing')], /--rtl-dir .* is not a directory/],
      [['--backends', 'golden,rtl', '--rtl-dir', dir], /--rtl-dir .* holds no Verilog/],
      [['--accelerator', 'nope'], /no accelerator 'nope' in .* \(it has bitmod, fp16_baseline, ant_baseline, olive_baseline, bitmod_authors\)/],
    ] as const) {
      const r = await runCli(['verify', EX('bitmod'), ...flag]);
      expect(r.code, flag.join(' ')).toBe(1);
      expect(r.stderr, flag.join(' ')).toMatch(re);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('bad input: one line, exit 1, no stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['--backends', 'golden'], /at least two backends/],
      [['--backends', 'golden,gold'], /unknown backend 'gold' \(known: golden, sim, rtl, rtl-pe, wgsl, cuda\)/],
      [['--backends', 'sim,sim'], /'sim' is given twice/],
      [['--shard', '3/2'], /--shard 3\/2: i must be in 1\.\.2/],
      [['--shard', 'x'], /--shard must be i\/n/],
      [['--vectors', '-1'], /--vectors must be an integer/],
      [['--seed', '1.5'], /--seed must be an integer/],
      [['--workload', 'model:opt-1.3b'], /must be a gemm:m=…,k=…,n=… or chain:MxKxN,MxKxN\[,…\] spec/],
      [['--workload', 'gemm:m=1'], /missing k/],
      [['--workload', 'chain:2x96x3'], /workload 'chain:2x96x3': a chain has 2\.\.8 layers MxKxN separated by commas, got 1/],
      [['--workload', 'chain:2x96,3x4x5'], /layer 1 must be MxKxN \(e\.g\. 4x64x8\), got '2x96'/],
      [['--workload', 'chain:1x1x1,2x0x3'], /layer 2 k must be in 1\.\.16777216, got 0/],
      [['--workload', `chain:${Array(9).fill('1x1x1').join(',')}`], /a chain has 2\.\.8 layers .* got 9/],
      [['-a', 'bitmod', '--workload', 'chain:1x8x1,1x8x1', '--backends', 'golden,sim,rtl-pe'], /a layer chain runs only on backends that run every layer .* not on rtl-pe: drop it from --backends/],
      [['--case', 'bitmod/oops'], /is not a case id/],
      [['--case', 'bitmod/random/1x1x1/s1', '--workload', 'gemm:m=1,k=1,n=1'], /--case already names its shape/],
      [['--case', 'nothere/random/1x1x1/s1'], /not in the design/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(['verify', EX('bitmod'), ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(re);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    }
    // a PE kind without the layer hand-over: refused before any case runs, naming the reason
    const lowrank = await runCli(['verify', EX('svdquant'), '--workload', 'chain:2x96x3,3x64x2']);
    expect(lowrank.code).toBe(1);
    expect(lowrank.stdout).toBe('');
    expect(lowrank.stderr).toBe("qacc: error: chain:2x96x3,3x64x2 cannot run as one program on svdquant_w4a4 (lowrank_gemm PE): its PE kind does not hand buffers over between layers (no chain support) (refusal 'kind')\n");
    const missing = await runCli(['verify', join(dir, 'none.qacc')]);
    expect(missing.code).toBe(1);
    expect(existsSync(join(dir, 'none.qacc'))).toBe(false);
  });
});

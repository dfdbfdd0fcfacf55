/** `qacc sim` in-process: JSON fields other tools read, the readable summary, VCD output, model workloads, one-line errors. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './fake-io.js';

const BITMOD = resolve(__dirname, '../../examples/bitmod.qacc');
const XR = resolve(__dirname, '../../examples/xr-npe.qacc');
const dir = mkdtempSync(join(tmpdir(), 'qacc-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('qacc sim', () => {
  it('--json has cycles, macs, utilization, bytes, match_golden', async () => {
    const r = await runCli(['sim', BITMOD, '--workload', 'gemm:m=8,k=256,n=40', '--json', '--seed', '4']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.macs).toBe(8 * 256 * 40);
    expect(Number.isInteger(j.cycles) && j.cycles > 0).toBe(true);
    expect(j.utilization).toBeGreaterThan(0);
    expect(j.utilization).toBeLessThanOrEqual(1);
    expect(j.bytes.dram).toBe(j.bytes.dram_read + j.bytes.dram_write);
    // Y is 8 × 40 fp16 codes, written once.
    expect(j.bytes.dram_write).toBe(8 * 40 * 2);
    expect(j.match_golden).toBe(true);
  });

  it('prints a readable summary, picks an accelerator and a SIMD mode', async () => {
    const r = await runCli(['sim', BITMOD, '-w', 'gemm:m=3,k=64,n=5', '--accelerator', 'fp16_baseline']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/fp16_baseline \(mac\)/);
    expect(r.stdout).toMatch(/golden\s+match/);
    const x = await runCli(['sim', XR, '-w', 'gemm:m=3,k=64,n=5', '--mode', '2', '--json']);
    expect(JSON.parse(x.stdout).match_golden).toBe(true);
  });

  it('model workloads run timing-only (match_golden null)', async () => {
    const r = await runCli(['sim', BITMOD, '-w', 'model:opt-1.3b,stage=decode,tokens=2', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.match_golden).toBeNull();
    expect(j.mode).toBe('timing');
    // OPT-1.3B: 24 layers × (4 · 2048² + 2 · 2048 · 8192) + lm_head 2048 · 50272, per token.
    expect(j.macs).toBe(2 * (24 * (4 * 2048 * 2048 + 2 * 2048 * 8192) + 2048 * 50272));
  });

  it('--vcd writes a VCD file', async () => {
    const f = join(dir, 't.vcd');
    const r = await runCli(['sim', BITMOD, '-w', 'gemm:m=4,k=128,n=8', '--vcd', f]);
    expect(r.code).toBe(0);
    const v = readFileSync(f, 'utf8');
    expect(v).toMatch(/\$enddefinitions \$end/);
    expect(v).toMatch(/\$var wire 1 \S+ compute_busy \$end/);
    expect(v.split('\n').filter((l) => /^#\d+$/.test(l)).length).toBeGreaterThan(5);
  });

  it('bad input: one line, exit 1', async () => {
    for (const args of [
      ['sim', BITMOD, '-w', 'gemm:m=0,k=1,n=1'],
      ['sim', BITMOD, '-w', 'model:gpt-9'],
      ['sim', BITMOD, '-w', 'gemm:m=1,k=1,n=1', '--accelerator', 'nope'],
      ['sim', XR, '-w', 'gemm:m=1,k=8,n=1', '--mode', '9'],
      ['sim', XR, '-w', 'gemm:m=1,k=5000,n=1'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

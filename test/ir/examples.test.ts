/**
 * The three examples elaborate cleanly, their IR holds the numbers the papers state (independent facts
 * from shared/reference, written here), and their canonical JSON and text forms match the committed
 * baselines in test/ir/baselines/ (accept changes with `npx vitest run test/ir -u` and review the diff).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileHost } from '../../src/dsl/program.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { designToJsonText, printDesign } from '../../src/ir/print.js';
import type { IrDesign, IrPe } from '../../src/ir/types.js';

const ROOT = resolve(__dirname, '../..');
const host: FileHost = {
  readFile: (p) => {
    try {
      return readFileSync(join(ROOT, p), 'utf8');
    } catch {
      return undefined;
    }
  },
};

function design(file: string, overrides: string[] = []): IrDesign {
  const c = compileFile(file, host, { overrides, requireAccelerator: true });
  expect(c.diagnostics).toEqual([]);
  expect(c.design).toBeDefined();
  return c.design as IrDesign;
}

function pe<K extends IrPe['kind']>(d: IrDesign, acc: string, kind: K): Extract<IrPe, { kind: K }> {
  const a = d.accelerators.find((x) => x.name === acc);
  const p = a?.arrays[0].pe;
  expect(p?.kind).toBe(kind);
  return p as Extract<IrPe, { kind: K }>;
}

describe('examples/bitmod.qacc', () => {
  const d = design('examples/bitmod.qacc');

  it('is the paper configuration: 32×32 4-lane bit-serial PEs, g128 mixture, 2×512 KB, 256 b/cycle, 1 GHz', () => {
    const a = d.accelerators.find((x) => x.name === 'bitmod');
    expect(a).toMatchObject({ totalPes: 1024, clockHz: 1e9, dramBitsPerCycle: 256, totalBufferBytes: 2 * 512 * 1024 });
    expect(a?.buffers.map((b) => [b.bytes, b.banks, b.role])).toEqual([
      [524288, 8, 'weights'],
      [524288, 8, 'activations'],
    ]);
    const p = pe(d, 'bitmod', 'bit_serial_mod');
    expect(p).toMatchObject({ lanes: 4, groupSize: 128, weightBitsPerCycle: 2, cyclesPerWeight: 2, scaleBits: 8, alignBits: 14, laneSumBits: 17 });
    expect(p.weights.selectorBits).toBe(2);
    expect(p.weights.scheme.kind).toBe('mixture');
    expect(p.activations.format.name).toBe('fp16');
    // 4 bits + (8-bit scale + 2-bit selector) / 128.
    expect(p.weights.bitsPerElement).toBe(4 + 10 / 128);
  });

  it('has the equal-area baselines: FP16 768, ANT 1024, OliVe 1152 PEs', () => {
    const pes = Object.fromEntries(d.accelerators.map((a) => [a.name, a.totalPes]));
    expect(pes).toEqual({ bitmod: 1024, bitmod_authors: 1024, fp16_baseline: 768, ant_baseline: 1024, olive_baseline: 1152 });
    expect(pe(d, 'fp16_baseline', 'mac').weights).toMatchObject({ kind: 'plain', bitsPerElement: 16 });
  });

  it('states which datapath each BitMoD PE computes: qacc\'s (bitmod) and the authors\' RTL (bitmod_authors)', () => {
    expect(pe(d, 'bitmod', 'bit_serial_mod').datapath).toBe('qacc');
    expect(pe(d, 'bitmod_authors', 'bit_serial_mod').datapath).toBe('bitmod_rtl');
  });

  it('takes --set overrides (the decode configuration 64×16)', () => {
    const dec = design('examples/bitmod.qacc', ['rows=64', 'cols=16']);
    const arr = dec.accelerators[0].arrays[0];
    expect([arr.rows, arr.cols, arr.pes]).toEqual([64, 16, 1024]);
    expect(dec.params.filter((p) => p.overridden).map((p) => p.name)).toEqual(['rows', 'cols']);
  });

  it('matches the IR baselines', async () => {
    await expect(designToJsonText(d)).toMatchFileSnapshot('baselines/bitmod.ir.json');
    await expect(printDesign(d)).toMatchFileSnapshot('baselines/bitmod.ir.txt');
  });
});

describe('examples/xr-npe.qacc', () => {
  const d = design('examples/xr-npe.qacc');

  it('has the four SIMD modes in a 16-bit word and a quire sized independently', () => {
    const p = pe(d, 'xr_npe', 'simd_mac');
    expect(p.modes.map((m) => `${m.lanes}x${m.format.name}`)).toEqual(['4xfp4_e2m1', '4xposit4_1', '2xposit8_0', '1xposit16_1']);
    expect(p.operandWidth).toBe(16);
    // Widest product range: posit16_1 (maxpos 2^28, minpos 2^-28, F = 28) → (2^56)² in units of 2^-56 is
    // 2^112: 113 bits; carries for at most 4096 products: 12; plus a sign bit (golden's simdQuireWidth).
    expect(p.quireBits).toBe(1 + 12 + 113);
    expect(p.accumulation).toBe('exact');
    expect(d.accelerators[0].clockHz).toBe(1_720_000_000);
    expect(d.accelerators[0].totalPes).toBe(256);
  });

  it('matches the IR baselines', async () => {
    await expect(designToJsonText(d)).toMatchFileSnapshot('baselines/xr-npe.ir.json');
    await expect(printDesign(d)).toMatchFileSnapshot('baselines/xr-npe.ir.txt');
  });
});

describe('examples/svdquant.qacc', () => {
  const d = design('examples/svdquant.qacc');

  it('has the int4 g64 and NVFP4 g16 main paths with a fused rank-32 16-bit branch', () => {
    const w4 = pe(d, 'svdquant_w4a4', 'lowrank_gemm');
    expect(w4).toMatchObject({ rank: 32, groupSize: 64, fused: true, tileK: 64, groupsPerTileK: 1 });
    expect(w4.branchFormat.name).toBe('fp16');
    expect(w4.weights.bitsPerElement).toBe(4 + 16 / 64);
    const nv = pe(d, 'svdquant_nvfp4', 'lowrank_gemm');
    expect(nv).toMatchObject({ rank: 32, groupSize: 16, groupsPerTileK: 4 });
    expect(nv.weights.scaleFormat.name).toBe('fp8_e4m3');
    expect(nv.weights.bitsPerElement).toBe(4 + 8 / 16);
  });

  it('rejects a rank that is not a multiple of 16 from the command line', () => {
    const c = compileFile('examples/svdquant.qacc', host, { overrides: ['rank=40'] });
    expect(c.design).toBeUndefined();
    expect(c.diagnostics.map((d) => d.code)).toEqual(['E404', 'E404']);
  });

  it('matches the IR baselines', async () => {
    await expect(designToJsonText(d)).toMatchFileSnapshot('baselines/svdquant.ir.json');
    await expect(printDesign(d)).toMatchFileSnapshot('baselines/svdquant.ir.txt');
  });
});

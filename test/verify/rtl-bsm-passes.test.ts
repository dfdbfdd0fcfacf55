/**
 * Multi-pass bit_serial_mod tiles at program level: the BitMoD example with `tile_m = 5` on a 2 × 2 array
 * (each PE holds 3 fp32 entries; an m tile of 5 tokens is 3 array passes, 2 + 2 + 1, over the same staged
 * weights) runs `qacc verify --backends golden,sim,rtl --trace` on GEMMs whose schedule takes those tiles —
 * one k tile, and two k tiles accumulating across mod_tiles — so the generated top's engine, the simulator
 * and the golden model must agree on outputs, cycles and per-cycle traces. The schedule is checked to
 * take multi-pass tiles, so the case runs what it says.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scheduleGemm } from '../../src/compile/schedule/index.js';
import { resolveTarget } from '../../src/compile/target.js';
import { parseWorkload } from '../../src/compile/workload.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { runCli } from '../cli/fake-io.js';
import { ROOT } from './orchestration-helpers.js';
import { expectRtlTraceAgreement } from './verify-report.js';

const dir = mkdtempSync(join(tmpdir(), 'qacc-bsm-passes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SETS = ['rows=2', 'cols=2', 'banks=1'];

/** examples/bitmod.qacc with tile_m declared on both BitMoD PEs (bitmod_pe's `2 * cols` replaced; bitmod_rtl's added), written to the temp dir. */
function designFile(tileM: number): string {
  const text = readFileSync(resolve(ROOT, 'examples/bitmod.qacc'), 'utf8');
  const withTile = text
    .replace('tile_m = 2 * cols;', `tile_m = ${tileM};`)
    .replace('datapath = bitmod_rtl;\n  output = fp16;\n}', `datapath = bitmod_rtl;\n  output = fp16;\n  tile_m = ${tileM};\n}`);
  expect(withTile.split(`tile_m = ${tileM};`).length).toBe(3);
  const path = join(dir, `bitmod-tile-m-${tileM}.qacc`);
  writeFileSync(path, withTile);
  return path;
}

describe('bit_serial_mod multi-pass tiles at program level (Verilator)', () => {
  it('tile_m = 5 on a 2 × 2 array, both datapaths: golden = sim = rtl outputs, sim = rtl cycles and traces, on 3-pass tiles of one and two k tiles', async () => {
    const file = designFile(5);
    const c = compileFile(file, { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: SETS });
    for (const [name, spec, kTiles] of [['bitmod', 'gemm:m=7,k=300,n=5', 1], ['bitmod', 'gemm:m=9,k=9000,n=6', 2], ['bitmod_authors', 'gemm:m=7,k=300,n=5', 1]] as const) {
      const accel = c.design?.accelerators.find((a) => a.name === name);
      expect(accel, name).toBeDefined();
      const t = resolveTarget(accel!);
      expect([t.tilePassesM, t.accEntries]).toEqual([3, 2 * 2 * 3]);
      const s = scheduleGemm(t, parseWorkload(spec).layers[0]);
      expect([s.tiling.mt, s.tiling.kTiles], spec).toEqual([5, kTiles]);
      const r = await runCli(['verify', file, '-a', name, ...SETS.flatMap((x) => ['--set', x]), '--backends', 'golden,sim,rtl', '--trace', '-w', spec, '--vectors', '1', '--seed', '3']);
      expectRtlTraceAgreement(r, 0, 1);
      expect(r.stdout).not.toMatch(/ran at PE level/);
    }
  }, 900_000);
});
